// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein threads as QFutures in a QtWidgets window. Start runs three workers,
// two on threads of their own (Thread::run) and one on
// QThreadPool::globalInstance() (runInPool), and shows each through a
// QFutureWatcher: its progress drives a QProgressBar, and a label shows its
// progress text, then its result, or where it was canceled. A row's Cancel
// calls future.cancel(), which makes that thread's pleaseStop go: the worker
// sees it between chunks, or in the pause that it waits with pleaseStop as
// its till, and ends; the future then finishes canceled.
//
// With --script (offscreen, for the tests) the program clicks Start, clicks
// Cancel on the Collatz row once every bar has moved, lets the other two
// finish, and exits with 0 if their results are right and the Collatz row was
// canceled before it was done; else with 1 and a message on stderr.
#include <skein/qt.h>
#include <skein/skein.h>

#include <QtCore/QFutureWatcher>
#include <QtCore/QTimer>
#include <QtWidgets/QApplication>
#include <QtWidgets/QGridLayout>
#include <QtWidgets/QLabel>
#include <QtWidgets/QProgressBar>
#include <QtWidgets/QPushButton>
#include <QtWidgets/QWidget>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstring>
#include <exception>
#include <memory>
#include <string>

using namespace std::chrono_literals;

// --- The workers ---------------------------------------------------------------

bool isPrime(int n)
{
    if (n % 2 == 0)
        return n == 2;
    for (int d = 3; d * d <= n; d += 2) {
        if (n % d == 0)
            return false;
    }
    return n > 1;
}

// The primes below `limit`, by trial division, 20 000 numbers at a time; it
// looks at pleaseStop between them. What it returns once asked to stop is
// nobody's: the future is canceled.
int countPrimes(int limit, const skein::Signal& pleaseStop)
{
    const auto self = skein::Thread::current();
    constexpr int chunk = 20'000;
    int count = 0;
    for (int from = 0; from < limit; from += chunk) {
        if (pleaseStop)
            return count;
        const int to = std::min(limit, from + chunk);
        for (int n = from; n < to; ++n)
            count += isPrime(n);
        self.setProgress(double(to) / limit, "below " + std::to_string(to) + ": " + std::to_string(count));
    }
    return count;
}

// 1² + 2² + … + n² in 200 chunks, each after a short pause, as a job that
// waits for I/O would: the pause takes pleaseStop as its till, so a cancel
// cuts it short.
quint64 sumSquares(quint64 n, const skein::Signal& pleaseStop)
{
    const auto self = skein::Thread::current();
    constexpr quint64 chunks = 200;
    quint64 sum = 0;
    for (quint64 chunk = 0; chunk < chunks; ++chunk) {
        if (!skein::Till(5ms).wait(pleaseStop))  // false: pleaseStop went first
            return sum;
        const quint64 to = (chunk + 1) * n / chunks;
        for (quint64 i = chunk * n / chunks + 1; i <= to; ++i)
            sum += i * i;
        self.setProgress(double(chunk + 1) / chunks, "up to " + std::to_string(to));
    }
    return sum;
}

// The start below `limit` with the longest Collatz sequence, in 500 chunks,
// each after a pause of 20 ms: ten seconds at least, time to press Cancel.
quint64 longestCollatz(quint64 limit, const skein::Signal& pleaseStop)
{
    const auto self = skein::Thread::current();
    constexpr quint64 chunks = 500;
    quint64 best = 1;
    quint64 bestLength = 1;
    for (quint64 chunk = 0; chunk < chunks; ++chunk) {
        if (!skein::Till(20ms).wait(pleaseStop))
            return best;
        const quint64 to = (chunk + 1) * limit / chunks;
        for (quint64 start = std::max<quint64>(chunk * limit / chunks, 1); start < to; ++start) {
            quint64 length = 1;
            for (quint64 x = start; x != 1; ++length)
                x = x % 2 ? 3 * x + 1 : x / 2;
            if (length > bestLength) {
                best = start;
                bestLength = length;
            }
        }
        self.setProgress(double(chunk + 1) / chunks, "below " + std::to_string(to) + ": " + std::to_string(best));
    }
    return best;
}

// --- The window ------------------------------------------------------------------

// One future in the window: what it computes, a bar and a label fed by its
// watcher, and a Cancel button.
template <class T>
struct FutureRow {
    explicit FutureRow(const QString& what) : title(what) {}

    QLabel title;
    QProgressBar bar;
    QLabel status;
    QPushButton cancel{QStringLiteral("Cancel")};
    QFutureWatcher<T> watcher;
    skein::Thread thread;  // its own progress says where a canceled worker stopped
};

// How a finished future ended: its result, the exception its worker threw,
// or canceled.
template <class T>
QString outcome(const FutureRow<T>& row)
{
    try {
        row.watcher.future().waitForFinished();  // finished already: rethrows the worker's exception
    } catch (const std::exception& e) {
        return QStringLiteral("failed: ") + QString::fromUtf8(e.what());
    }
    if (row.watcher.isCanceled())
        return QStringLiteral("canceled at %1 %").arg(row.thread.progress() * 100, 0, 'f', 1);
    return QStringLiteral("result: %1").arg(row.watcher.result());
}

class FuturesWindow : public QWidget {
public:
    FuturesWindow()
    {
        auto* grid = new QGridLayout(this);
        addRow(grid, 0, primes);
        addRow(grid, 1, squares);
        addRow(grid, 2, collatz);
        grid->addWidget(&start, 3, 0, 1, 4);
        grid->setColumnMinimumWidth(2, 220);  // the status column does not jump as its texts change
        connect(&start, &QPushButton::clicked, this, &FuturesWindow::startAll);
    }

    QPushButton start{QStringLiteral("Start")};
    FutureRow<int> primes{QStringLiteral("Primes below 2 000 000")};
    FutureRow<quint64> squares{QStringLiteral("Sum of squares to 2 000 000 (pool)")};
    FutureRow<quint64> collatz{QStringLiteral("Longest Collatz below 1 000 000")};

    std::array<QFutureWatcherBase*, 3> watchers() { return {&primes.watcher, &squares.watcher, &collatz.watcher}; }

private:
    void startAll()
    {
        start.setEnabled(false);
        watch(primes, skein::Thread::run("primes", countPrimes, 2'000'000));
        watch(squares, skein::runInPool("squares", sumSquares, quint64(2'000'000)));
        watch(collatz, skein::Thread::run("collatz", longestCollatz, quint64(1'000'000)));
    }

    template <class T>
    void watch(FutureRow<T>& row, const skein::ThreadHandle<T>& thread)
    {
        row.thread = thread;
        row.bar.reset();
        row.status.clear();
        row.cancel.setEnabled(true);
        ++running_;
        row.watcher.setFuture(skein::toFuture(thread));
    }

    template <class T>
    void addRow(QGridLayout* grid, int line, FutureRow<T>& row)
    {
        grid->addWidget(&row.title, line, 0);
        grid->addWidget(&row.bar, line, 1);
        grid->addWidget(&row.status, line, 2);
        grid->addWidget(&row.cancel, line, 3);
        row.bar.setRange(0, 1000);
        row.cancel.setEnabled(false);
        QFutureWatcher<T>* const watcher = &row.watcher;
        connect(watcher, &QFutureWatcherBase::progressRangeChanged, &row.bar, &QProgressBar::setRange);
        connect(watcher, &QFutureWatcherBase::progressValueChanged, &row.bar, &QProgressBar::setValue);
        connect(watcher, &QFutureWatcherBase::progressTextChanged, &row.status, &QLabel::setText);
        connect(&row.cancel, &QPushButton::clicked, watcher, [watcher] { watcher->future().cancel(); });
        // canceled() comes at once; finished() once the thread has stopped.
        connect(watcher, &QFutureWatcherBase::canceled, this, [&row] {
            row.status.setText(QStringLiteral("canceling..."));
            row.cancel.setEnabled(false);
        });
        connect(watcher, &QFutureWatcherBase::finished, this, [this, &row] {
            row.status.setText(outcome(row));
            row.cancel.setEnabled(false);
            start.setEnabled(--running_ == 0);
        });
    }

    int running_ = 0;
};

// --- --script ----------------------------------------------------------------------

// The first problem with how the three ended, or an empty string.
template <class T>
QString wrongResult(const FutureRow<T>& row, T expected)
{
    if (row.watcher.isCanceled() || row.watcher.result() != expected)
        return row.title.text() +
               QStringLiteral(": expected result %1, the window says '%2'").arg(expected).arg(row.status.text());
    return {};
}

QString problem(const FuturesWindow& window)
{
    if (QString wrong = wrongResult(window.primes, 148'933); !wrong.isEmpty())
        return wrong;
    // n(n + 1)(2n + 1) / 6 for n = 2 000 000
    if (QString wrong = wrongResult(window.squares, quint64(2'666'668'666'667'000'000)); !wrong.isEmpty())
        return wrong;
    const auto& collatz = window.collatz;
    if (!collatz.watcher.isCanceled() || !collatz.status.text().startsWith(QLatin1String("canceled")))
        return collatz.title.text() + QStringLiteral(": not canceled, the window says '%1'").arg(collatz.status.text());
    if (collatz.thread.progress() >= 1)
        return collatz.title.text() + QStringLiteral(": canceled, but its worker ran to the end");
    return {};
}

// Start; once every bar has moved, Cancel on the Collatz row; once all three
// have finished, check how each ended and exit. Every step follows a
// watcher's signal. The Collatz search cannot end before its Cancel: its
// pauses alone take ten seconds, and the bars move within the first tenth
// of one. A timer bounds the whole (50 s: the script takes about a second,
// ten times that under a sanitizer on a loaded machine).
void runScript(FuturesWindow& window, QApplication& app)
{
    auto& collatz = window.collatz;
    const auto allMoved = [&window] {
        return window.primes.bar.value() > 0 && window.squares.bar.value() > 0 && window.collatz.bar.value() > 0;
    };
    const auto finished = std::make_shared<int>(0);
    for (QFutureWatcherBase* watcher : window.watchers()) {
        // Connected after the window's own connections, so these run after them.
        QObject::connect(watcher, &QFutureWatcherBase::progressValueChanged, &window, [&collatz, allMoved] {
            if (allMoved() && collatz.cancel.isEnabled())
                collatz.cancel.click();
        });
        QObject::connect(watcher, &QFutureWatcherBase::finished, &app, [&window, &app, finished] {
            if (++*finished < 3)
                return;
            for (const QLabel* status : {&window.primes.status, &window.squares.status, &window.collatz.status})
                std::printf("%s\n", qPrintable(status->text()));
            const QString wrong = problem(window);
            if (!wrong.isEmpty())
                std::fprintf(stderr, "06-qfuture: %s\n", qPrintable(wrong));
            app.exit(wrong.isEmpty() ? 0 : 1);
        });
    }
    QTimer::singleShot(50s, &app, [&app] {
        std::fprintf(stderr, "06-qfuture: not done after 50 s; the threads:\n%s", skein::dumpThreads().c_str());
        app.exit(1);
    });
    window.start.click();
}

int main(int argc, char** argv)
{
    const bool script = argc > 1 && std::strcmp(argv[1], "--script") == 0;
    if (script && qEnvironmentVariableIsEmpty("QT_QPA_PLATFORM"))
        qputenv("QT_QPA_PLATFORM", "offscreen");
    QApplication app(argc, argv);
    skein::ApplicationAdaptor skeinApp(&app);  // SIGINT/SIGTERM quit; quitting joins every thread

    FuturesWindow window;
    window.resize(800, 160);
    window.show();
    if (script)
        runScript(window, app);
    return app.exec();
}
