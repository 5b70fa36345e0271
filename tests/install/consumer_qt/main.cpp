// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Built against an installed Skein::Qt: a ThreadAdaptor's result arrives in
// the event loop.
#include <skein/qt.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    skein::ThreadAdaptor worker("answer", [](const skein::Signal&) { return QVariant(42); });
    QObject::connect(&worker, &skein::ThreadAdaptor::finished,
                     [](const QVariant& result) { QCoreApplication::exit(result.toInt() == 42 ? 0 : 1); });
    QTimer::singleShot(10000, [] { QCoreApplication::exit(2); });
    worker.start();
    return app.exec();
}
