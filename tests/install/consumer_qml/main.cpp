// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A QML program against an installed Skein: `import Skein` from the prefix's
// QML import path; a Till fires, and the thread tree model shows main.
#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>
#include <QtQml/QQmlComponent>
#include <QtQml/QQmlEngine>

#include <cstdio>
#include <memory>

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    QQmlEngine engine;
    engine.addImportPath(QStringLiteral(SKEIN_QML_IMPORT_PATH));
    QObject::connect(&engine, &QQmlEngine::exit, &app, &QCoreApplication::exit, Qt::QueuedConnection);
    QQmlComponent component(&engine);
    component.setData(R"(
        import QtQml
        import Skein
        QtObject {
            property ThreadTreeModel threads: ThreadTreeModel {}
            property SignalAdaptor signal: SignalAdaptor {}
            property Till till: Till {
                seconds: 0.05
                onFired: {
                    threads.refresh()
                    Qt.exit(threads.rowCount() === 1 ? 0 : 4)
                }
            }
        }
    )",
                      QUrl(QStringLiteral("consumer.qml")));
    const std::unique_ptr<QObject> root(component.create());
    if (!root) {
        std::fprintf(stderr, "%s\n", qPrintable(component.errorString()));
        return 3;
    }
    QTimer::singleShot(120000, [] { QCoreApplication::exit(2); });  // a hang guard only
    return app.exec();
}
