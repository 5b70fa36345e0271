// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Signal against its peers.
//
// BM_PingPong/<impl>: two threads hand a turn back and forth; one iteration
//   is one round trip (main -> partner -> main). Skein makes a fresh Signal
//   for every hand-over, as code that uses Signals as one-shot events does;
//   the peers toggle a flag under a mutex and wake a condition variable.
// BM_SignalCreateGo/<impl>: a one-shot event made, set with nobody waiting,
//   and destroyed: skein::Signal against std::promise<void>.
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <QMutex>
#include <QMutexLocker>
#include <QWaitCondition>

#include <atomic>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "skein/signal.h"

namespace {

// --- Ping-pong -------------------------------------------------------------

// Each side makes the Signal it will wait on next and publishes it in a slot
// before it goes the other side's Signal; the other side reads the slot after
// its wait returns. Signal's memory ordering (everything before go() is
// visible after wait()) makes the plain slots race-free:
//   main:    pongSlot = myPong (new); pingSlot.go(); myPong.wait();
//   partner: myPing.wait(); pingSlot = next (new); pongSlot.go(); myPing = next;
void BM_PingPong_skein(benchmark::State& state)
{
    skein::Signal pingSlot;  // the partner waits on it; written by the partner
    skein::Signal pongSlot;  // main waits on it; written by main
    std::atomic<bool> stop{false};

    skein::Signal myPing = pingSlot;
    std::thread partner([&] {
        for (;;) {
            myPing.wait();
            if (stop.load(std::memory_order_relaxed))
                return;
            skein::Signal pong = pongSlot;
            const skein::Signal next;
            pingSlot = next;
            pong.go();
            myPing = next;
        }
    });

    for (auto _ : state) {
        const skein::Signal myPong;
        pongSlot = myPong;
        skein::Signal(pingSlot).go();
        myPong.wait();
    }

    stop.store(true, std::memory_order_relaxed);
    skein::Signal(pingSlot).go();
    partner.join();
}

// A flag that says whose turn it is, one mutex, one condition variable per
// direction.
void BM_PingPong_std(benchmark::State& state)
{
    std::mutex mutex;
    std::condition_variable toPartner;
    std::condition_variable toMain;
    bool partnersTurn = false;  // guarded by mutex
    bool stop = false;          // guarded by mutex

    std::thread partner([&] {
        std::unique_lock<std::mutex> lock(mutex);
        for (;;) {
            toPartner.wait(lock, [&] { return partnersTurn || stop; });
            if (stop)
                return;
            partnersTurn = false;
            lock.unlock();
            toMain.notify_one();
            lock.lock();
        }
    });

    for (auto _ : state) {
        std::unique_lock<std::mutex> lock(mutex);
        partnersTurn = true;
        lock.unlock();
        toPartner.notify_one();
        lock.lock();
        toMain.wait(lock, [&] { return !partnersTurn; });
    }

    {
        std::lock_guard<std::mutex> lock(mutex);
        stop = true;
    }
    toPartner.notify_one();
    partner.join();
}

// The same with QMutex and QWaitCondition.
void BM_PingPong_qt(benchmark::State& state)
{
    QMutex mutex;
    QWaitCondition toPartner;
    QWaitCondition toMain;
    bool partnersTurn = false;  // guarded by mutex
    bool stop = false;          // guarded by mutex

    std::thread partner([&] {
        QMutexLocker lock(&mutex);
        for (;;) {
            while (!partnersTurn && !stop)
                toPartner.wait(&mutex);
            if (stop)
                return;
            partnersTurn = false;
            lock.unlock();
            toMain.wakeOne();
            lock.relock();
        }
    });

    for (auto _ : state) {
        QMutexLocker lock(&mutex);
        partnersTurn = true;
        lock.unlock();
        toPartner.wakeOne();
        lock.relock();
        while (partnersTurn)
            toMain.wait(&mutex);
    }

    {
        QMutexLocker lock(&mutex);
        stop = true;
    }
    toPartner.wakeOne();
    partner.join();
}

BENCHMARK(BM_PingPong_skein)->Name("BM_PingPong/skein")->UseRealTime();
BENCHMARK(BM_PingPong_std)->Name("BM_PingPong/std")->UseRealTime();
BENCHMARK(BM_PingPong_qt)->Name("BM_PingPong/qt")->UseRealTime();

// --- Create, go, destroy -----------------------------------------------------

void BM_SignalCreateGo_skein(benchmark::State& state)
{
    for (auto _ : state) {
        skein::Signal signal;
        signal.go();
        benchmark::DoNotOptimize(signal);
    }
}

void BM_SignalCreateGo_promise(benchmark::State& state)
{
    for (auto _ : state) {
        std::promise<void> promise;
        promise.set_value();
        benchmark::DoNotOptimize(promise);
    }
}

BENCHMARK(BM_SignalCreateGo_skein)->Name("BM_SignalCreateGo/skein");
BENCHMARK(BM_SignalCreateGo_promise)->Name("BM_SignalCreateGo/promise");

}  // namespace
