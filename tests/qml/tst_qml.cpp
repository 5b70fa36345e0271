// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Runs the Qt Quick Test cases tst_*.qml in this folder (ctest passes
// -input and -import).
#include <QtQuickTest/quicktest.h>

QUICK_TEST_MAIN(skein_qml)
