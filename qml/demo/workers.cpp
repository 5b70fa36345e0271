// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "workers.h"

#include <QtGui/QImage>
#include <QtQuick/QQuickWindow>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <vector>

#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

#include <skein/qt/process.h>
#include <skein/skein.h>

namespace {

QString uniqueName(const char* kind)
{
    static std::atomic<int> counter{0};
    return QStringLiteral("%1-%2").arg(QLatin1String(kind)).arg(++counter);
}

// Says, as the last thing a thread does, that it stopped: the demo's stop order.
struct SayStopped {
    ~SayStopped()
    {
        DemoLog::print(QStringLiteral("stopped ") + QString::fromStdString(skein::Thread::current().path()));
    }
};

// CPU-bound work gives way to the GUI thread: the calling thread (only it:
// Linux keeps a nice value per thread) runs at a lower priority, so the
// window stays responsive however many workers count.
void yieldToTheGui()
{
#ifdef __linux__
    ::setpriority(PRIO_PROCESS, static_cast<id_t>(::syscall(SYS_gettid)), 10);
#endif
}

bool isPrime(std::int64_t n)
{
    if (n < 2)
        return false;
    for (std::int64_t d = 2; d * d <= n; ++d)
        if (n % d == 0)
            return false;
    return true;
}

// Counts the primes in this part's share of [0, limit): blocks of 4096
// numbers dealt out in turn, so that every part works as long. Reports
// progress after every number, as fast as it can; `report` turns the part's
// own fraction into what it sets.
template <class Report>
int countPrimes(int part, int parts, int limit, const skein::Signal& stop, Report report)
{
    constexpr int block = 4096;
    const double share = std::max(1.0, double(limit) / parts);
    int count = 0;
    int done = 0;
    for (int first = part * block; first < limit && !stop; first += parts * block) {
        for (int n = first; n < std::min(first + block, limit); ++n) {
            count += isPrime(n);
            report(std::min(1.0, ++done / share));
        }
    }
    return count;
}

}  // namespace

void DemoLog::print(const QString& line)
{
    static std::mutex mutex;
    const QByteArray bytes = line.toLocal8Bit() + '\n';
    std::lock_guard<std::mutex> lock(mutex);
    std::fwrite(bytes.constData(), 1, std::size_t(bytes.size()), stdout);
    std::fflush(stdout);
}

bool DemoLog::saveScreenshot(QObject* window, const QString& path)
{
    auto* quickWindow = qobject_cast<QQuickWindow*>(window);
    return quickWindow && quickWindow->grabWindow().save(path);
}

void DemoWorker::adaptHalfway(skein::SignalAdaptor* adaptor) const
{
    if (adaptor)
        adaptor->setSignal(halfway_);
}

void DemoWorker::report(double fraction, std::string text) const
{
    skein::Thread::current().setProgress(fraction, std::move(text));
    if (fraction >= 0.5 && !halfway_)
        halfway_.go();
}

PrimeCounter::PrimeCounter(QObject* parent) : DemoWorker(uniqueName("primes"), parent) {}

QVariant PrimeCounter::work(const skein::Signal& pleaseStop)
{
    const SayStopped say;
    yieldToTheGui();
    // Three parts share the range: two child threads and this one, which
    // reports the progress of all three.
    constexpr int parts = 3;
    const int limit = limit_;
    std::vector<skein::ThreadHandle<int>> children;
    for (int part = 1; part < parts; ++part) {
        children.push_back(skein::Thread::run("part-" + std::to_string(part), [=](const skein::Signal& stop) {
            const SayStopped sayChild;
            yieldToTheGui();
            const auto me = skein::Thread::current();
            return countPrimes(part, parts, limit, stop, [&](double fraction) { me.setProgress(fraction); });
        }));
    }
    const auto me = skein::Thread::current();
    report(0, "counting");
    double own = 0;  // this part's fraction
    const auto reportAll = [&](double fraction) {
        own = fraction;
        double sum = own;
        for (const auto& c : children)
            sum += c.progress();
        report(sum / parts);
    };
    int primes = countPrimes(0, parts, limit, pleaseStop, reportAll);
    // This part is done; the others may not be: keep reporting until they are.
    skein::Signal allDone = skein::Signal::done();
    for (const auto& c : children)
        allDone = allDone & c.stopped();
    while (!allDone.wait(skein::Till(std::chrono::milliseconds(20))))
        reportAll(own);
    for (auto& c : children)
        primes += c.join();
    if (pleaseStop) {
        report(me.progress(), QStringLiteral("stopped: %L1 primes").arg(primes).toStdString());
        return {};
    }
    report(1.0, QStringLiteral("%L1 primes").arg(primes).toStdString());
    return primes;
}

Download::Download(QObject* parent) : DemoWorker(uniqueName("download"), parent) {}

QVariant Download::work(const skein::Signal& pleaseStop)
{
    const SayStopped say;
    for (int chunk = 1; chunk <= chunks_; ++chunk) {
        if (!skein::Till(std::chrono::milliseconds(chunkMilliseconds_)).wait(pleaseStop))
            return {};  // cancelled mid-chunk: no waiting out the timeout
        report(double(chunk) / chunks_, std::to_string(chunk * 64) + " KiB");
    }
    return chunks_ * 64;
}

ProcessLines::ProcessLines(QObject* parent) : DemoWorker(uniqueName("process"), parent) {}

QVariant ProcessLines::work(const skein::Signal& pleaseStop)
{
    const SayStopped say;
    // The process runs on a thread of its own under this one ("sh" in the
    // tree), and stops with it: a cancel stops the child process too.
    skein::Process process(
        "sh", QStringLiteral("/bin/sh"),
        {QStringLiteral("-c"),
         QStringLiteral("for i in $(seq 1 %1); do echo \"line $i of %1\"; sleep 0.05; done").arg(lines_)});
    int seen = 0;
    while (const auto line = process.stdoutLines().pop(pleaseStop))
        report(double(++seen) / lines_, *line);
    if (pleaseStop)
        return {};
    if (const int code = process.join(); code != 0)
        throw skein::Error("sh exited with " + std::to_string(code));
    return seen;
}
