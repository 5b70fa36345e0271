// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — the Qt adaptors, in one include.
#pragma once

#include "skein/qt/application_adaptor.h"
#include "skein/qt/connect.h"
#include "skein/qt/future.h"
#include "skein/qt/logging.h"
#include "skein/qt/process.h"
#include "skein/qt/signal_adaptor.h"
#include "skein/qt/thread_adaptor.h"
#include "skein/qt/thread_tree_model.h"
