// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// The demo's three kinds of work, as ThreadAdaptor subclasses that QML can
// create: CPU-bound (counting primes, split over child threads), paced by a
// Till (a simulated download), and a child process streaming lines. Each
// has a `halfway` Signal, which goes when its progress first reaches one
// half: QML shows it through a SignalAdaptor.
#pragma once

#include <QtQml/qqml.h>

#include <skein/qt/signal_adaptor.h>
#include <skein/qt/thread_adaptor.h>

#include <string>
#include <utility>

class DemoWorker : public skein::ThreadAdaptor {
    Q_OBJECT
    QML_ELEMENT
    QML_UNCREATABLE("DemoWorker is the base of PrimeCounter, Download and ProcessLines")

public:
    // Makes `adaptor` follow this worker's `halfway` Signal; a null adaptor
    // is ignored.
    Q_INVOKABLE void adaptHalfway(skein::SignalAdaptor* adaptor) const;

protected:
    DemoWorker(QString name, QObject* parent) : ThreadAdaptor(std::move(name), parent) {}
    // Sets the calling thread's progress; `halfway` goes at one half.
    void report(double fraction, std::string text = {}) const;

private:
    const skein::Signal halfway_;
};

class PrimeCounter : public DemoWorker {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int limit MEMBER limit_ FINAL)

public:
    explicit PrimeCounter(QObject* parent = nullptr);
    ~PrimeCounter() override { stopAndWait(); }

protected:
    QVariant work(const skein::Signal& pleaseStop) override;

private:
    int limit_ = 6'000'000;
};

class Download : public DemoWorker {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int chunks MEMBER chunks_ FINAL)
    Q_PROPERTY(int chunkMilliseconds MEMBER chunkMilliseconds_ FINAL)

public:
    explicit Download(QObject* parent = nullptr);
    ~Download() override { stopAndWait(); }

protected:
    QVariant work(const skein::Signal& pleaseStop) override;

private:
    int chunks_ = 40;
    int chunkMilliseconds_ = 60;
};

class ProcessLines : public DemoWorker {
    Q_OBJECT
    QML_ELEMENT
    Q_PROPERTY(int lines MEMBER lines_ FINAL)

public:
    explicit ProcessLines(QObject* parent = nullptr);
    ~ProcessLines() override { stopAndWait(); }

protected:
    QVariant work(const skein::Signal& pleaseStop) override;

private:
    int lines_ = 30;
};

// Prints a line to stdout at once, from any thread: the demo's record of
// progress and of the order in which threads stop.
class DemoLog : public QObject {
    Q_OBJECT
    QML_ELEMENT
    QML_SINGLETON

public:
    using QObject::QObject;
    Q_INVOKABLE static void print(const QString& line);
    // Saves what `window` shows as a PNG; false on failure.
    Q_INVOKABLE static bool saveScreenshot(QObject* window, const QString& path);
};
