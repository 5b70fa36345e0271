// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// What the Qt adaptor tests share beyond ../testing.h: a QThread with an
// event loop that owns one object.
#pragma once

#include "../testing.h"

#include <QtCore/QMetaObject>
#include <QtCore/QObject>
#include <QtCore/QThread>

#include <skein/signal.h>

#include <memory>
#include <mutex>
#include <utility>

namespace testing {

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
        QObject::connect(
            &thread_, &QThread::started, &thread_, [running]() mutable { running.go(); }, Qt::DirectConnection);
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
                    {
                        std::lock_guard<std::mutex> delivered(handOver());
                    }
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

}  // namespace testing
