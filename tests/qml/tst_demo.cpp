// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// The QML demo as a person meets it, through the offscreen platform: the
// scripted tour leaves a real screenshot, a time limit (a Till) cancels a
// worker, each row's SignalAdaptor sees its worker pass halfway, and
// closing the window while every worker is busy ends the process at once,
// children stopping before parents.
#include <QtCore/QElapsedTimer>
#include <QtCore/QProcess>
#include <QtCore/QRegularExpression>
#include <QtCore/QSet>
#include <QtCore/QTemporaryDir>
#include <QtGui/QImage>
#include <QtTest>

#include "testing.h"

class tst_Demo : public QObject {
    Q_OBJECT

private:
    static QProcessEnvironment offscreen()
    {
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_QPA_PLATFORM"), QStringLiteral("offscreen"));
        return env;
    }

private Q_SLOTS:
    void scriptedTourSavesARealScreenshot()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString png = dir.filePath(QStringLiteral("demo.png"));
        QProcess demo;
        demo.setProcessEnvironment(offscreen());
        demo.start(QStringLiteral(DEMO), {QStringLiteral("--script"), QStringLiteral("--screenshot"), png});
        // The tour counts primes to the end: about 30 s of CPU under ASan,
        // which two cores busy with other work can stretch to minutes. The
        // bound only catches a hang.
        QVERIFY(demo.waitForFinished(15 * testing::hangGuardMs));
        const QString out = QString::fromLocal8Bit(demo.readAllStandardOutput());
        const QString err = QString::fromLocal8Bit(demo.readAllStandardError());
        QVERIFY2(!err.contains(QStringLiteral(".qml:")), qPrintable(err));  // no QML error or warning
        QCOMPARE(demo.exitStatus(), QProcess::NormalExit);
        QCOMPARE(demo.exitCode(), 0);
        // Progress lines as it goes, then each worker's end: one cancelled,
        // the other five finished.
        QVERIFY2(out.count(QStringLiteral("% running")) >= 6, qPrintable(out));
        QVERIFY2(out.contains(QStringLiteral("screenshot ") + png), qPrintable(out));
        const QStringList lines = out.split(QLatin1Char('\n'));
        static const QRegularExpression end(QStringLiteral("^(primes|download|process)-\\d+ \\d+% (\\w+)$"));
        QStringList ends;
        for (const QString& line : lines)
            if (const auto m = end.match(line); m.hasMatch())
                ends << m.captured(2);
        QCOMPARE(ends.size(), 6);
        QCOMPARE(ends.count(QStringLiteral("cancelled")), 1);
        QCOMPARE(ends.count(QStringLiteral("finished")), 5);
        // The cancel came from the Till of the worker's time limit; the rows'
        // SignalAdaptors saw each finished worker pass halfway.
        static const QRegularExpression timeLimit(QStringLiteral("^time limit: cancel primes-\\d+$"),
                                                  QRegularExpression::MultilineOption);
        QCOMPARE(out.count(timeLimit), 1);
        static const QRegularExpression halfway(QStringLiteral("^((primes|download|process)-\\d+) halfway$"));
        QSet<QString> halfwayPassed;
        for (const QString& line : lines)
            if (const auto m = halfway.match(line); m.hasMatch())
                halfwayPassed.insert(m.captured(1));
        QVERIFY2(halfwayPassed.size() >= 5, qPrintable(out));

        const QImage image(png);
        QVERIFY(!image.isNull());
        QCOMPARE(image.size(), QSize(1000, 600));  // Main.qml's window size
        QSet<QRgb> colours;
        for (int y = 0; y < image.height(); y += 2)
            for (int x = 0; x < image.width(); x += 2)
                colours.insert(image.pixel(x, y));
        QVERIFY2(colours.size() > 50, qPrintable(QStringLiteral("only %1 colours").arg(colours.size())));
    }

    void closingTheWindowWhileBusyExitsAtOnceChildrenFirst()
    {
        // The demo closes its window through the offscreen platform, as a
        // window manager would (QWindow::close() delivers the platform's
        // close event), 1.5 s after it started 8 workers that run until
        // stopped.
        QProcess demo;
        demo.setProcessEnvironment(offscreen());
        demo.start(QStringLiteral(DEMO), {QStringLiteral("--busy"), QStringLiteral("8"),
                                          QStringLiteral("--close-after"), QStringLiteral("1500")});
        QVERIFY(demo.waitForStarted(testing::hangGuardMs));
        // Its workers run until stopped: a demo that waited for them at the
        // close would never exit. Hang guards only, from its start and from
        // the close: no claim about how fast it is.
        QString out;
        QElapsedTimer sinceStart;
        sinceStart.start();
        QElapsedTimer sinceClose;
        while (demo.state() != QProcess::NotRunning) {
            demo.waitForReadyRead(20);
            out += QString::fromLocal8Bit(demo.readAllStandardOutput());
            if (!sinceClose.isValid() && out.contains(QStringLiteral("window closing")))
                sinceClose.start();
            if (sinceStart.elapsed() > 2 * testing::hangGuardMs ||
                (sinceClose.isValid() && sinceClose.elapsed() > testing::hangGuardMs)) {
                demo.kill();
                demo.waitForFinished(testing::hangGuardMs);
                QFAIL(qPrintable(QStringLiteral("the demo did not exit: ") + out));
            }
        }
        out += QString::fromLocal8Bit(demo.readAllStandardOutput());
        QVERIFY2(sinceClose.isValid(), qPrintable(out));
        const QString err = QString::fromLocal8Bit(demo.readAllStandardError());
        QVERIFY2(!err.contains(QStringLiteral(".qml:")), qPrintable(err));  // no QML error or warning
        QCOMPARE(demo.exitStatus(), QProcess::NormalExit);
        QCOMPARE(demo.exitCode(), 0);
        QVERIFY2(out.contains(QStringLiteral("window closing with 8 workers running")), qPrintable(out));

        // From the close event to the end of main(), every thread stopped
        // and joined, by the demo's own clock: reported, not bounded (how
        // long it takes is the machine's business; that it ends is the
        // demo's, and the loop above checks it).
        static const QRegularExpression exited(QStringLiteral("exited (\\d+) ms after the window closed"));
        const QRegularExpressionMatch match = exited.match(out);
        QVERIFY2(match.hasMatch(), qPrintable(out));
        qInfo("%s; the process ended %lld ms after the close", qPrintable(match.captured(0)),
              static_cast<long long>(sinceClose.elapsed()));

        // Every thread said it stopped, and each child before its parent.
        const QStringList stopped = out.split(QLatin1Char('\n')).filter(QStringLiteral("stopped main/"));
        QCOMPARE(stopped.size(), 8 * 3);  // 8 workers, 2 parts each
        for (int i = 0; i < stopped.size(); ++i) {
            const QString path = stopped[i].mid(QStringLiteral("stopped ").size());
            for (int j = i + 1; j < stopped.size(); ++j)
                QVERIFY2(!stopped[j].startsWith(QStringLiteral("stopped ") + path + QLatin1Char('/')),
                         qPrintable(stopped[j] + QStringLiteral(" after its parent ") + path));
        }
    }
};

QTEST_GUILESS_MAIN(tst_Demo)
#include "tst_demo.moc"
