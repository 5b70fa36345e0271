#include "workers.h"

#include <QtCore/QProcess>
#include <QtGui/QImage>
#include <QtQuick/QQuickWindow>

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

#include <skein/skein.h>

namespace {

QString uniqueName(const char* kind)
{
    static std::atomic<int> counter{0};
    return QStringLiteral("%1-%2").arg(QLatin1String(kind)).arg(++counter);
}

// Says, as the last thing a thread does, that it stopped: the demo's stop order.
struct SayStopped {
    ~SayStopped() { DemoLog::print(QStringLiteral("stopped ") + QString::fromStdString(skein::Thread::current().path())); }
};

bool isPrime(int n)
{
    if (n < 2)
        return false;
    for (int d = 2; d * d <= n; ++d)
        if (n % d == 0)
            return false;
    return true;
}

} // namespace

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

PrimeCounter::PrimeCounter(QObject* parent) : ThreadAdaptor(uniqueName("primes"), parent) {}

QVariant PrimeCounter::work(const skein::Signal& pleaseStop)
{
    const SayStopped say;
    // Two child threads share the range; the parent reports their progress.
    constexpr int parts = 2;
    const int limit = limit_;
    std::vector<skein::ThreadHandle<int>> children;
    for (int part = 0; part < parts; ++part) {
        children.push_back(skein::Thread::run("part-" + std::to_string(part + 1), [=](const skein::Signal& stop) {
            const SayStopped sayChild;
            int count = 0;
            const auto me = skein::Thread::current();
            // Blocks of 4096 numbers, dealt out in turn, so both parts work as long.
            constexpr int block = 4096;
            for (int first = part * block; first < limit && !stop; first += parts * block) {
                for (int n = first; n < std::min(first + block, limit); ++n)
                    count += isPrime(n);
                me.setProgress(double(first + block) / limit);
            }
            me.setProgress(stop ? me.progress() : 1.0);
            return count;
        }));
    }
    const auto me = skein::Thread::current();
    skein::Signal allDone = skein::Signal::done();
    for (const auto& c : children)
        allDone = allDone & c.stopped();
    while (!allDone.wait(skein::Till(std::chrono::milliseconds(50)))) {
        double sum = 0;
        for (const auto& c : children)
            sum += c.progress();
        me.setProgress(sum / parts, "counting");
    }
    int primes = 0;
    for (auto& c : children)
        primes += c.join();
    if (pleaseStop)
        return {};
    me.setProgress(1.0, QStringLiteral("%1 primes").arg(primes).toStdString());
    return primes;
}

Download::Download(QObject* parent) : ThreadAdaptor(uniqueName("download"), parent) {}

QVariant Download::work(const skein::Signal& pleaseStop)
{
    const SayStopped say;
    const auto me = skein::Thread::current();
    for (int chunk = 1; chunk <= chunks_; ++chunk) {
        if (!skein::Till(std::chrono::milliseconds(chunkMilliseconds_)).wait(pleaseStop))
            return {};  // cancelled mid-chunk: no waiting out the timeout
        me.setProgress(double(chunk) / chunks_, std::to_string(chunk * 64) + " KiB");
    }
    return chunks_ * 64;
}

ProcessLines::ProcessLines(QObject* parent) : ThreadAdaptor(uniqueName("process"), parent) {}

QVariant ProcessLines::work(const skein::Signal& pleaseStop)
{
    const SayStopped say;
    const auto me = skein::Thread::current();
    QProcess process;
    process.start(QStringLiteral("/bin/sh"),
                  {QStringLiteral("-c"),
                   QStringLiteral("for i in $(seq 1 %1); do echo \"line $i\"; sleep 0.05; done").arg(lines_)});
    if (!process.waitForStarted())
        throw skein::Error("cannot start /bin/sh: " + process.errorString().toStdString());
    int seen = 0;
    while (!pleaseStop && process.state() != QProcess::NotRunning) {
        process.waitForReadyRead(20);  // QProcess's own wait; pleaseStop is checked between
        while (process.canReadLine()) {
            const QString line = QString::fromLocal8Bit(process.readLine()).trimmed();
            me.setProgress(double(++seen) / lines_, line.toStdString());
        }
    }
    if (pleaseStop) {
        process.kill();
        process.waitForFinished();
        return {};
    }
    return seen;
}
