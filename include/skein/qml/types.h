// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — the QML module `Skein`: the Qt adaptors, registered for QML.
///
///     import Skein
///     Till { seconds: 2; onFired: console.log("two seconds") }
///
/// Types: Till (TillAdaptor), SignalAdaptor, ThreadAdaptor (uncreatable: C++
/// subclasses register themselves with QML_ELEMENT), ThreadTreeModel. The
/// adaptors themselves stay free of QML (Skein::Qt needs only QtCore); these
/// declarations register them from outside.
#pragma once

#include <QtQml/qqml.h>

#include "skein/qt/signal_adaptor.h"
#include "skein/qt/thread_adaptor.h"
#include "skein/qt/thread_tree_model.h"

namespace skein::qml {

struct TillForeign {
    Q_GADGET
    QML_FOREIGN(skein::TillAdaptor)
    QML_NAMED_ELEMENT(Till)
};

struct SignalAdaptorForeign {
    Q_GADGET
    QML_FOREIGN(skein::SignalAdaptor)
    QML_NAMED_ELEMENT(SignalAdaptor)
};

struct ThreadAdaptorForeign {
    Q_GADGET
    QML_FOREIGN(skein::ThreadAdaptor)
    QML_NAMED_ELEMENT(ThreadAdaptor)
    QML_UNCREATABLE("ThreadAdaptor is made in C++: subclass it and register the subclass with QML_ELEMENT")
};

struct ThreadTreeModelForeign {
    Q_GADGET
    QML_FOREIGN(skein::ThreadTreeModel)
    QML_NAMED_ELEMENT(ThreadTreeModel)
};

}  // namespace skein::qml
