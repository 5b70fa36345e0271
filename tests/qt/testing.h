// What the Qt adaptor tests share: a thread-safe record of events, a QThread
// with an event loop that owns one object, and the sanitizer in use.
#pragma once

#include <QtCore/QMetaObject>
#include <QtCore/QObject>
#include <QtCore/QStringList>
#include <QtCore/QThread>

#include <skein/log.h>
#include <skein/signal.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

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

// What threads did, in the order they did it.
class Events {
public:
    void add(const QString& event)
    {
        std::lock_guard<std::mutex> lock(mutex_);
        events_.append(event);
    }
    void add(const std::string& event) { add(QString::fromStdString(event)); }
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

private:
    mutable std::mutex mutex_;
    QStringList events_;  // guarded by mutex_
};

// done() goes when arrive() has been called `count` times.
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

// Captures what Skein logs while it lives, then restores the previous sink.
class LogCapture {
public:
    LogCapture()
        : previous_(skein::setLogSink([this](const skein::LogRecord& record) {
              std::lock_guard<std::mutex> lock(mutex_);
              messages_.append(QString::fromStdString(record.message));
          }))
    {
    }
    ~LogCapture() { skein::setLogSink(previous_); }
    LogCapture(const LogCapture&) = delete;
    LogCapture& operator=(const LogCapture&) = delete;

    // The messages that contain `part`.
    QStringList mentioning(const QString& part) const
    {
        std::lock_guard<std::mutex> lock(mutex_);
        return messages_.filter(part);
    }

private:
    mutable std::mutex mutex_;
    QStringList messages_;  // guarded by mutex_
    skein::LogSink previous_;
};

// A QThread running its event loop, and an object of type T living in it,
// made and destroyed in that thread. Hand-overs to the thread are ordered
// with std::mutex and Skein Signals rather than Qt's blocking connections,
// so that ThreadSanitizer sees them (Qt is not built with it).
template <class T>
class ObjectInThread {
public:
    template <class... A>
    explicit ObjectInThread(A&&... args)
    {
        thread_.setObjectName(QStringLiteral("other-qthread"));
        anchor_->moveToThread(&thread_);
        skein::Signal running;
        // started() comes after the thread made its event dispatcher.
        QObject::connect(&thread_, &QThread::started, &thread_, [running]() mutable { running.go(); },
                         Qt::DirectConnection);
        thread_.start();
        running.wait();
        inThread([&] { object_ = std::make_unique<T>(std::forward<A>(args)...); });
    }
    ObjectInThread(const ObjectInThread&) = delete;
    ObjectInThread& operator=(const ObjectInThread&) = delete;
    ~ObjectInThread()
    {
        // The thread quits itself: a quit() from here would be one more
        // wake-up write that the ending thread may never read.
        inThread([this] {
            object_.reset();
            anchor_.release()->deleteLater();  // when the thread finishes: this runs in one of its slots
            thread_.quit();
        });
        thread_.wait();
    }

    T* get() const { return object_.get(); }
    T* operator->() const { return object_.get(); }
    QThread* thread() { return &thread_; }

    // Runs `fn` in the thread, and waits for it. The post is made holding
    // handOver(), which the call takes before it reads what it was given:
    // Qt orders the two with its own locks, which ThreadSanitizer cannot see.
    template <class F>
    void inThread(F fn)
    {
        skein::Signal done;
        {
            std::lock_guard<std::mutex> posting(handOver());
            QMetaObject::invokeMethod(
                anchor_.get(),
                [&fn, done]() mutable {
                    { std::lock_guard<std::mutex> delivered(handOver()); }
                    fn();
                    done.go();
                },
                Qt::QueuedConnection);
        }
        done.wait();
    }

private:
    static std::mutex& handOver()
    {
        static std::mutex mutex;
        return mutex;
    }

    QThread thread_;
    std::unique_ptr<QObject> anchor_ = std::make_unique<QObject>();  // lives in thread_: the target of inThread()
    std::unique_ptr<T> object_;
};

} // namespace testing
