// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Built against an installed Skein::Qt, as an ordinary Qt application is
// written: its own QObject uses the plain `signals:`, `slots:` and `emit`
// keywords (Skein builds itself with QT_NO_KEYWORDS, and must not impose it),
// and a ThreadAdaptor's result reaches that object's slot in the event loop.
#include <skein/qt.h>

#include <QtCore/QCoreApplication>
#include <QtCore/QTimer>
#include <QtCore/QVariant>

#include <cstdio>

class Answer : public QObject {
    Q_OBJECT

public:
    int received = 0;

signals:
    void heard(int value);

public slots:
    void take(const QVariant& result)
    {
        received = result.toInt();
        emit heard(received);
    }
};

int main(int argc, char** argv)
{
    QCoreApplication app(argc, argv);
    Answer answer;
    skein::ThreadAdaptor worker("answer", [](const skein::Signal&) { return QVariant(42); });
    QObject::connect(&worker, &skein::ThreadAdaptor::finished, &answer, &Answer::take);
    QObject::connect(&answer, &Answer::heard, &app, [](int value) {
        std::printf("heard %d\n", value);
        QCoreApplication::exit(value == 42 ? 0 : 1);
    });
    QTimer::singleShot(120000, [] { QCoreApplication::exit(2); });  // a hang guard only
    worker.start();
    return app.exec();
}

#include "main.moc"
