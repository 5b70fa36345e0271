// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// What the tests share: the sanitizer in use; records of what threads did;
// latches, barriers and racing threads; a capture of what Skein logs; the
// message and type of what a call throws; looks at the thread tree and at
// memory; and child processes, started, finished and read.
//
// Qt Test, the standard library and Skein's core only: the Qt adaptor tests
// add their own in qt/testing.h.
#pragma once

#include <QtCore/QByteArray>
#include <QtCore/QDir>
#include <QtCore/QFile>
#include <QtCore/QProcess>
#include <QtCore/QString>
#include <QtCore/QStringList>
#include <QtTest>

#include <skein/detail/introspection.h>
#include <skein/log.h>
#include <skein/main_thread.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/till.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <fstream>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <typeindex>
#include <typeinfo>
#include <utility>
#include <vector>

#include <unistd.h>

#if defined(__SANITIZE_THREAD__)
#define SKEIN_TEST_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define SKEIN_TEST_TSAN 1
#endif
#endif

#if defined(__SANITIZE_ADDRESS__)
#define SKEIN_TEST_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define SKEIN_TEST_ASAN 1
#endif
#endif

namespace testing {

// --- Hang guards ---------------------------------------------------------------

// How long a test waits for what must come before it calls it a hang and
// fails. A guard only, never a claim about speed: ThreadSanitizer on a
// machine whose cores are busy with other work can keep a thread off the
// CPU for seconds, and no correct run may fail for that.
constexpr std::chrono::seconds hangGuard{60};
// The same, for Qt's waits, which take int milliseconds.
constexpr int hangGuardMs = 60000;

// --- Text --------------------------------------------------------------------

// A std::string as a QString, which QCOMPARE prints when it fails.
inline QString q(const std::string& s) { return QString::fromStdString(s); }

// Whether `text` contains `part`; a text that is absent contains nothing.
inline bool contains(const std::string& text, const std::string& part) { return text.find(part) != std::string::npos; }
inline bool contains(const std::optional<std::string>& text, const std::string& part)
{
    return text && contains(*text, part);
}

inline QStringList sorted(QStringList list)
{
    list.sort();
    return list;
}

// --- Ordering threads ----------------------------------------------------------

// What threads did, in the order they did it. Thread-safe.
class Events {
public:
    void add(const QString& event)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        events_.append(event);
    }
    void add(const std::string& event) { add(q(event)); }
    void add(const char* event) { add(QString::fromUtf8(event)); }

    QStringList list() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return events_;
    }

    int size() const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return int(events_.size());
    }

    // The events that start with `prefix`, in order.
    QStringList startingWith(const QString& prefix) const
    {
        QStringList result;
        for (const QString& e : list()) {
            if (e.startsWith(prefix))
                result << e;
        }
        return result;
    }

    // The position of `event`, or -1.
    int indexOf(const QString& event) const { return int(list().indexOf(event)); }

private:
    mutable std::mutex mutex_;
    QStringList events_;  // guarded by mutex_
};

// done() goes when arrive() has been called `count` times. Everything a
// thread did before its arrive() is visible to a thread after done() went.
class Countdown {
public:
    explicit Countdown(int count) : remaining_(count) {}
    void arrive()
    {
        if (remaining_.fetch_sub(1) == 1)
            done_.go();
    }
    skein::Signal done() const { return done_; }

private:
    std::atomic<int> remaining_;
    skein::Signal done_;
};

// A reusable barrier for `parties` threads, built on the standard library
// only, so that it orders threads without depending on the Signal under test.
// Waiters spin (yielding) for a moment before they sleep, so the parties
// leave a round at nearly the same instant and really race.
class Barrier {
public:
    explicit Barrier(int parties) : parties_(parties) {}

    void arriveAndWait()
    {
        std::unique_lock<std::mutex> lock(mutex_);
        const std::uint64_t generation = generation_;
        if (++arrived_ == parties_) {
            arrived_ = 0;
            ++generation_;
            released_.store(generation_, std::memory_order_release);
            lock.unlock();
            cv_.notify_all();
            return;
        }
        lock.unlock();
        for (int i = 0; i < 200; ++i) {
            if (released_.load(std::memory_order_acquire) != generation)
                return;
            std::this_thread::yield();
        }
        lock.lock();
        cv_.wait(lock, [&] { return generation_ != generation; });
    }

private:
    const int parties_;
    std::mutex mutex_;
    std::condition_variable cv_;
    int arrived_ = 0;               // guarded by mutex_
    std::uint64_t generation_ = 0;  // guarded by mutex_
    std::atomic<std::uint64_t> released_{0};
};

// `racers` threads that run `body(racer)` once per round, all released at
// once by start(); finish() returns when every racer is done with the round,
// and runRound() does both. Between start() and finish() the calling thread
// may race them itself. Everything written before start() is visible to the
// racers, and everything they wrote is visible after finish() (the barrier's
// mutex orders both).
class Racers {
public:
    Racers(int racers, std::function<void(int)> body) : start_(racers + 1), finish_(racers + 1)
    {
        for (int i = 0; i < racers; ++i) {
            threads_.emplace_back([this, i, body] {
                for (;;) {
                    start_.arriveAndWait();
                    if (stopping_.load(std::memory_order_relaxed))
                        return;
                    body(i);
                    finish_.arriveAndWait();
                }
            });
        }
    }
    ~Racers()
    {
        if (running_)
            finish();
        stopping_.store(true, std::memory_order_relaxed);
        start_.arriveAndWait();
        for (std::thread& t : threads_)
            t.join();
    }
    Racers(const Racers&) = delete;
    Racers& operator=(const Racers&) = delete;

    void start()
    {
        running_ = true;
        start_.arriveAndWait();
    }
    void finish()
    {
        finish_.arriveAndWait();
        running_ = false;
    }
    void runRound()
    {
        start();
        finish();
    }

private:
    Barrier start_;
    Barrier finish_;
    std::atomic<bool> stopping_{false};
    bool running_ = false;
    std::vector<std::thread> threads_;
};

// A std::thread that joins when it goes out of scope, so an early return
// from a failed check never reaches std::terminate.
class Joining {
public:
    template <class F>
    explicit Joining(F&& fn) : thread_(std::forward<F>(fn))
    {}
    Joining(Joining&&) noexcept = default;
    Joining& operator=(Joining&&) = delete;
    ~Joining()
    {
        if (thread_.joinable())
            thread_.join();
    }
    void join() { thread_.join(); }

private:
    std::thread thread_;
};

// Asks `ready()` again and again, yielding the core in between, until it
// holds: for a state another thread reaches with no signal to wait on. False
// when it does not within hangGuard: the bound only turns a broken
// library's hang into a failure.
template <class Ready>
bool pollUntil(Ready ready)
{
    const skein::Till giveUp(hangGuard);
    while (!ready()) {
        if (giveUp)
            return false;
        std::this_thread::yield();
    }
    return true;
}

// A blocking Skein call (a Queue's add() or pop(), Lock::wait() once it has
// released the Lock) registers a callback on its `till` just before it
// sleeps. Counting those callbacks is how a test knows, without sleeping,
// that `count` threads are parked in it. False when they are not within
// hangGuard: the bound only turns a broken library's hang into a failure.
inline bool waitUntilParked(const skein::Signal& till, std::size_t count)
{
    return pollUntil([&] { return skein::detail::pendingCallbacks(till) >= count; });
}

// How many threads dumpThreads() shows blocked on `what`, as Skein describes
// it: "Queue 'jobs' (pop)", "Lock 'db' (lock)".
inline std::size_t blockedOn(const std::string& what)
{
    const std::string dump = skein::dumpThreads();
    const std::string needle = "waiting on " + what + " for ";
    std::size_t count = 0;
    for (std::size_t at = dump.find(needle); at != std::string::npos; at = dump.find(needle, at + 1))
        ++count;
    return count;
}

// Waits until dumpThreads() shows `count` threads blocked on `what`: for a
// blocking call with no `till` to count callbacks on, or one that blocks
// on a mutex. False when they are not within hangGuard: the bound only
// turns a broken library's hang into a failure.
inline bool waitUntilBlockedOn(const std::string& what, std::size_t count)
{
    return pollUntil([&] { return blockedOn(what) >= count; });
}

// Makes `fn` run in a Till's callback, on the timer thread, soon; returns at
// once. A Till that went before then() was called (a loaded machine may keep
// this thread waiting past its deadline) runs the callback here, inside
// then(): `fn` does not run then, and a longer Till tries again.
template <class F>
void runOnTheTimerThread(F fn)
{
    const std::thread::id here = std::this_thread::get_id();
    for (auto delay = std::chrono::milliseconds(1);; delay *= 2) {
        bool ranHere = false;  // written only by a callback that runs inside then(), here
        skein::Till(delay).then([fn, here, &ranHere]() mutable {
            if (std::this_thread::get_id() == here)
                ranHere = true;
            else
                fn();
        });
        if (!ranHere)
            return;
    }
}

// The number of Signal states alive once the timer thread has let go of
// every Till that went before this call; size_t(-1) after hangGuard. The
// timer thread holds the Tills of a batch it made go until it is through
// with the whole batch, a moment after their waiters woke, so a count taken
// then may include a Till that is gone a moment later. It goes one batch
// after another: once a Till made here has gone on the timer thread, every
// earlier batch is let go; and once the count has dropped by that Till and
// the Signal its callback made go, its own batch is let go too (with any
// Till that went in it, which only makes the count drop further). A Till
// that had gone before then() ran its callback here instead: a longer one
// tries again. Call it with no other thread at work on Signals.
inline std::size_t signalStatesOnceTheTimerLetGo()
{
    const std::thread::id here = std::this_thread::get_id();
    for (auto delay = std::chrono::milliseconds(1);; delay *= 2) {
        std::size_t settled = 0;
        {
            const skein::Signal went;
            bool onTimerThread = false;  // written before went goes
            const skein::Till settle(delay);
            settle.then([went, here, &onTimerThread] {
                onTimerThread = std::this_thread::get_id() != here;
                went.go();
            });
            went.wait();
            if (!onTimerThread)
                continue;
            settled = skein::detail::liveSignalStates() - 2;
        }
        // Polled without a Till, which would count itself.
        const auto giveUpAt = std::chrono::steady_clock::now() + hangGuard;
        while (skein::detail::liveSignalStates() > settled) {
            if (std::chrono::steady_clock::now() > giveUpAt)
                return std::size_t(-1);
            std::this_thread::yield();
        }
        return skein::detail::liveSignalStates();
    }
}

// --- What Skein logs -------------------------------------------------------------

// Sets the stop grace period while it lives, then restores the previous one.
struct GracePeriodGuard {
    explicit GracePeriodGuard(std::chrono::milliseconds period) : previous(skein::stopGracePeriod())
    {
        skein::setStopGracePeriod(period);
    }
    ~GracePeriodGuard() { skein::setStopGracePeriod(previous); }
    GracePeriodGuard(const GracePeriodGuard&) = delete;
    GracePeriodGuard& operator=(const GracePeriodGuard&) = delete;
    const std::chrono::milliseconds previous;
};

// A record that a LogCapture took, and when it took it (steady: for the
// intervals between records).
struct Captured : skein::LogRecord {
    std::chrono::steady_clock::time_point seen;
};

// Captures every record Skein logs while it lives, then puts the previous
// sink back. Thread-safe. The sink holds the records by shared_ptr: a log()
// that took the sink just before it was replaced may still call it after
// the capture is gone.
class LogCapture {
public:
    using Match = std::function<bool(const skein::LogRecord&)>;

    LogCapture() : state_(std::make_shared<State>())
    {
        previous_ = skein::setLogSink([state = state_](const skein::LogRecord& record) {
            {
                std::lock_guard<std::mutex> lock(state->mutex);
                state->records.push_back({record, std::chrono::steady_clock::now()});
            }
            state->cv.notify_all();
        });
    }
    ~LogCapture() { skein::setLogSink(std::move(previous_)); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    // Every record, in the order they were logged.
    std::vector<Captured> records() const
    {
        std::lock_guard<std::mutex> lock(state_->mutex);
        return state_->records;
    }

    // The records that `match` accepts, in order.
    std::vector<Captured> matching(const Match& match) const
    {
        std::vector<Captured> result;
        for (const Captured& c : records()) {
            if (match(c))
                result.push_back(c);
        }
        return result;
    }

    // The records whose message contains `part`, in order.
    std::vector<Captured> mentioning(const std::string& part) const
    {
        return matching([&part](const skein::LogRecord& r) { return contains(r.message, part); });
    }

    // Waits until `count` records match; false when `patience` ran out first.
    bool waitFor(const Match& match, std::size_t count, std::chrono::milliseconds patience) const
    {
        std::unique_lock<std::mutex> lock(state_->mutex);
        return state_->cv.wait_for(lock, patience, [&] {
            std::size_t n = 0;
            for (const Captured& c : state_->records)
                n += match(c) ? 1 : 0;
            return n >= count;
        });
    }

    // Every record, one "level: message" line each: the description of a
    // failed check.
    std::string dump() const
    {
        std::string text;
        for (const Captured& c : records())
            text += std::string(skein::toString(c.level)) + ": " + c.message + "\n";
        return text;
    }

private:
    struct State {
        std::mutex mutex;
        std::condition_variable cv;
        std::vector<Captured> records;  // guarded by mutex
    };
    std::shared_ptr<State> state_;
    skein::LogSink previous_;
};

// --- What a call throws ----------------------------------------------------------

// The what() of the E that `fn` throws; nullopt when it throws nothing or
// something else. Nothing escapes, so that a call made on a std::thread
// fails the test instead of ending the process.
template <class E, class F>
std::optional<std::string> messageOf(F&& fn)
{
    try {
        fn();
    } catch (const E& e) {
        return std::string(e.what());
    } catch (...) {
        return std::nullopt;
    }
    return std::nullopt;
}

// The dynamic type and what() of what `f` throws; void and "(nothing
// thrown)" when it throws nothing. Anything but a std::exception escapes.
template <class F>
std::pair<std::type_index, std::string> thrownBy(F&& f)
{
    try {
        f();
    } catch (const std::exception& e) {
        return {std::type_index(typeid(e)), e.what()};
    }
    return {std::type_index(typeid(void)), "(nothing thrown)"};
}

// Whether `message` names `name` as Skein's errors name a Lock, a Queue or
// a Signal: in single quotes.
inline bool names(const std::optional<std::string>& message, const std::string& name)
{
    return contains(message, "'" + name + "'");
}

// An exception that is not one of the standard library's, to see that a
// failure keeps its type.
class CustomFailure : public std::exception {
public:
    explicit CustomFailure(std::string what) : what_(std::move(what)) {}
    const char* what() const noexcept override { return what_.c_str(); }

private:
    std::string what_;
};

// --- The thread tree and memory -----------------------------------------------------

inline QStringList namesOf(const std::vector<skein::Thread>& threads)
{
    QStringList names;
    for (const skein::Thread& t : threads)
        names << q(t.name());
    return names;
}

inline bool hasChild(const skein::Thread& parent, const skein::Thread& child)
{
    for (const skein::Thread& c : parent.children()) {
        if (c == child)
            return true;
    }
    return false;
}

// One call that a Thread handle offers, by name.
struct HandleCall {
    const char* name;
    void (*call)(skein::Thread&);
};

// Every call that a Thread handle offers: on a handle that refers to no
// thread, each one throws UsageError.
inline const std::vector<HandleCall>& handleCalls()
{
    using skein::Thread;
    static const std::vector<HandleCall> calls = {
        {"start", [](Thread& t) { t.start(); }},
        {"join", [](Thread& t) { t.join(); }},
        {"tryJoin", [](Thread& t) { (void)t.tryJoin(skein::Signal::done()); }},
        {"release", [](Thread& t) { t.release(); }},
        {"stop", [](Thread& t) { t.stop(); }},
        {"isRunning", [](Thread& t) { (void)t.isRunning(); }},
        {"isStarted", [](Thread& t) { (void)t.isStarted(); }},
        {"pleaseStop", [](Thread& t) { (void)t.pleaseStop(); }},
        {"stopped", [](Thread& t) { (void)t.stopped(); }},
        {"name", [](Thread& t) { (void)t.name(); }},
        {"path", [](Thread& t) { (void)t.path(); }},
        {"parent", [](Thread& t) { (void)t.parent(); }},
        {"children", [](Thread& t) { (void)t.children(); }},
        {"setProgress", [](Thread& t) { t.setProgress(0.5, "half"); }},
        {"progress", [](Thread& t) { (void)t.progress(); }},
        {"progressText", [](Thread& t) { (void)t.progressText(); }},
        {"progressChanged", [](Thread& t) { (void)t.progressChanged(); }},
    };
    return calls;
}

// The resident set size of this process, in bytes (the second field of
// /proc/self/statm, in pages).
inline long long residentBytes()
{
    std::ifstream statm("/proc/self/statm");
    long long sizePages = 0;
    long long residentPages = 0;
    statm >> sizePages >> residentPages;
    return residentPages * static_cast<long long>(::sysconf(_SC_PAGESIZE));
}

// --- Child processes ---------------------------------------------------------------

// Starts `program` with `arguments` in `child`, and reads its stdout into
// `out` until the line "ready", which the test programs print once they are
// set up. False when the child does not start, or says nothing more for
// `timeoutMs`; a warning then tells what it wrote on stdout and stderr.
inline bool startChild(QProcess& child, const QString& program, const QStringList& arguments, QByteArray& out,
                       int timeoutMs)
{
    child.setProgram(program);
    child.setArguments(arguments);
    child.setProcessChannelMode(QProcess::SeparateChannels);
    child.start();
    if (!child.waitForStarted(timeoutMs)) {
        qWarning() << program << "did not start:" << child.errorString();
        return false;
    }
    while (!out.contains("ready\n")) {
        if (!child.waitForReadyRead(timeoutMs)) {
            qWarning() << "no \"ready\" from" << program << "; stdout:" << out
                       << "stderr:" << child.readAllStandardError();
            return false;
        }
        out += child.readAllStandardOutput();
    }
    return true;
}

// What a child that did not exit was doing, thread by thread, as Linux
// shows it: its state, where it sleeps in the kernel, and its pending and
// blocked signals. Read before it is killed, for the failure's message.
inline QString describeHungChild(qint64 pid)
{
    const QString proc = QStringLiteral("/proc/%1/").arg(pid);
    auto readText = [](const QString& path) {
        QFile file(path);
        return file.open(QIODevice::ReadOnly) ? QString::fromUtf8(file.readAll()).trimmed() : QStringLiteral("?");
    };
    auto signalLines = [&readText](const QString& status) {
        QStringList kept;
        for (const QString& line : readText(status).split(QLatin1Char('\n'))) {
            if (line.startsWith(QLatin1String("State:")) || line.startsWith(QLatin1String("SigPnd:")) ||
                line.startsWith(QLatin1String("ShdPnd:")) || line.startsWith(QLatin1String("SigBlk:")))
                kept.append(line.simplified());
        }
        return kept.join(QLatin1String(", "));
    };
    QString text = QStringLiteral("child %1 did not exit; its threads:").arg(pid);
    const QStringList tasks = QDir(proc + QLatin1String("task")).entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    for (const QString& tid : tasks) {
        const QString task = proc + QLatin1String("task/") + tid + QLatin1Char('/');
        text += QStringLiteral("\n  %1 %2: wchan %3; %4")
                    .arg(tid, readText(task + QLatin1String("comm")), readText(task + QLatin1String("wchan")),
                         signalLines(task + QLatin1String("status")));
    }
    return text;
}

// Waits for `child` to exit, for `timeoutMs` at most, and appends the rest
// of its stdout to `out`. True when it exited by itself; a child that did
// not is killed.
inline bool finishChild(QProcess& child, QByteArray& out, int timeoutMs)
{
    const bool finished = child.state() == QProcess::NotRunning || child.waitForFinished(timeoutMs);
    if (!finished) {
        qWarning().noquote() << describeHungChild(child.processId());
        child.kill();
        child.waitForFinished(timeoutMs);
    }
    out += child.readAllStandardOutput();
    return finished;
}

// The lines of a child's output, empty ones left out.
inline QStringList linesOf(const QByteArray& out)
{
    return QString::fromUtf8(out).split(QLatin1Char('\n'), Qt::SkipEmptyParts);
}

// The paths of the "stopped <path>" lines, in order: the test programs
// print one when a thread's stopped() goes, after its function returned and
// its children were joined.
inline QStringList stoppedPaths(const QStringList& lines)
{
    const QString prefix = QStringLiteral("stopped ");
    QStringList paths;
    for (const QString& line : lines) {
        if (line.startsWith(prefix))
            paths.append(line.mid(prefix.size()));
    }
    return paths;
}
inline QStringList stoppedPaths(const QByteArray& out) { return stoppedPaths(linesOf(out)); }

// What is wrong with `stopped`, the paths of a program's threads in the
// order they stopped: each of `threads` must be there exactly once, and
// after its children. Main has no line (it is the process). Empty when
// nothing is wrong.
inline QString wrongStopOrder(const QStringList& stopped, const QStringList& threads)
{
    const QString order = stopped.join(QLatin1Char(','));
    for (const QString& path : threads) {
        if (stopped.count(path) != 1)
            return path + QStringLiteral(": not exactly one \"stopped\" line in ") + order;
    }
    for (const QString& path : threads) {
        const QString parent = path.section(QLatin1Char('/'), 0, -2);
        if (parent != QLatin1String("main") && stopped.indexOf(path) >= stopped.indexOf(parent))
            return path + QStringLiteral(" stopped after its parent: ") + order;
    }
    return {};
}

// Whether process `pid` has ended: it is gone, or a zombie that its parent,
// not this process, has yet to reap.
inline bool isNotRunning(qint64 pid)
{
    QFile stat(QStringLiteral("/proc/%1/stat").arg(pid));
    if (!stat.open(QIODevice::ReadOnly))
        return true;
    const QByteArray line = stat.readAll();
    const qsizetype afterName = line.lastIndexOf(')');
    return afterName >= 0 && line.mid(afterName + 2, 1) == "Z";
}

// How the `till` of a blocked call ends it, one data row each
// (addTillKindRows()): gone already, a Till of 20 ms that times out, or a
// pending Signal that the test makes go once the call is parked on it.
enum class TillKind { AlreadyGone, TimesOut, GoesWhileParked };

inline void addTillKindRows()
{
    QTest::addColumn<TillKind>("kind");
    QTest::newRow("till already gone") << TillKind::AlreadyGone;
    QTest::newRow("till times out") << TillKind::TimesOut;
    QTest::newRow("till goes while parked") << TillKind::GoesWhileParked;
}

// A till of `kind`.
inline skein::Signal tillOf(TillKind kind)
{
    using namespace std::chrono_literals;
    if (kind == TillKind::TimesOut)
        return skein::Till(20ms);
    skein::Signal till("till");
    if (kind == TillKind::AlreadyGone)
        till.go();
    return till;
}
}  // namespace testing

Q_DECLARE_METATYPE(testing::TillKind)
