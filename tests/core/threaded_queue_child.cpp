// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A small Skein program that tst_threaded_queue runs as a child process and
// stops with SIGTERM while items stream through a ThreadedQueue.
//
// Four producer threads (main/producer-0 … 3) add ids to ThreadedQueue
// 'sink' (a thread main/sink) until their pleaseStop goes or they have
// added their share of --count ids (default 1 000 000); deliver counts each
// id it receives. Once deliver has received some ids and every producer is
// a fifth of the way through, deliver holds its batch until shutdown begins
// (the sink thread's pleaseStop), so that shutdown finds a great many items
// waiting; it prints "ready" when it starts to hold.
//
// After shutdown (SIGTERM; waitForShutdown() joins every thread) it prints
//   added <n> delivered <n> held-at <n> exactly-once <yes|no> exit <code>
// where held-at is how many ids deliver had received when it began to hold:
// everything added beyond it was waiting when shutdown began. exactly-once
// says whether each id a producer's add() accepted was delivered once, and
// no other id at all.
//
// --grace-ms and --limit-ms set the stop grace period and the stop time
// limit; Skein's log goes to stderr, one "log <level> [<path>] <message>"
// line per record.
#include <skein/error.h>
#include <skein/log.h>
#include <skein/main_thread.h>
#include <skein/signal.h>
#include <skein/thread.h>
#include <skein/threaded_queue.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "../child.h"

using testing::say;

namespace {

constexpr int producers = 4;
// deliver holds once it has received this many ids.
constexpr std::size_t holdAfter = 10000;

void printToStderr(const skein::LogRecord& record)
{
    say(std::string("log ") + skein::toString(record.level) + " [" + record.threadPath + "] " + record.message, stderr);
}

}  // namespace

int main(int argc, char** argv)
{
    int count = 1000000;
    for (int i = 1; i < argc; ++i) {
        if (std::strcmp(argv[i], "--count") == 0 && i + 1 < argc)
            count = std::atoi(argv[++i]);
        else if (std::strcmp(argv[i], "--limit-ms") == 0 && i + 1 < argc)
            skein::setStopTimeLimit(std::chrono::milliseconds(std::atoi(argv[++i])));
        else if (std::strcmp(argv[i], "--grace-ms") == 0 && i + 1 < argc)
            skein::setStopGracePeriod(std::chrono::milliseconds(std::atoi(argv[++i])));
    }
    const int share = count / producers;

    skein::MainThread mainThread;
    skein::setLogSink(printToStderr);

    // Goes when every producer has added a fifth of its share.
    const skein::Signal fifthAdded("a fifth added");
    std::atomic<int> belowFifth{producers};

    // Written by the sink thread only; read by main once waitForShutdown()
    // has joined it.
    std::vector<std::uint8_t> seen(std::size_t(producers) * std::size_t(share), 0);
    std::size_t delivered = 0;
    std::size_t heldAt = 0;
    bool held = false;

    skein::ThreadedQueue<int>::Options options;
    options.maxBatch = 1000;
    options.period = std::chrono::milliseconds(10);
    skein::ThreadedQueue<int> sink(
        "sink",
        [&](std::vector<int>& batch) {
            for (const int id : batch) {
                std::uint8_t& n = seen.at(std::size_t(id));
                if (n < 2)
                    ++n;
            }
            delivered += batch.size();
            if (!held && delivered >= holdAfter) {
                held = true;
                heldAt = delivered;
                const skein::Signal pleaseStop = skein::Thread::current().pleaseStop();
                (fifthAdded | pleaseStop).wait();
                say("ready");
                pleaseStop.wait();
            }
        },
        options);

    std::vector<int> added(producers, 0);  // each written by its producer, read after the join
    for (int p = 0; p < producers; ++p) {
        skein::Thread::run("producer-" + std::to_string(p), [&, p](const skein::Signal& pleaseStop) {
            int& mine = added[std::size_t(p)];
            for (int k = 0; k < share && !pleaseStop; ++k) {
                try {
                    sink.add(p * share + k);
                } catch (const skein::QueueClosed&) {
                    break;  // the sink began to stop first
                }
                ++mine;
                if (mine == share / 5 && belowFifth.fetch_sub(1) == 1)
                    fifthAdded.go();
            }
        });
    }

    const int code = mainThread.waitForShutdown();

    std::size_t total = 0;
    bool exactlyOnce = true;
    for (int p = 0; p < producers; ++p) {
        total += std::size_t(added[std::size_t(p)]);
        for (int k = 0; k < share; ++k)
            exactlyOnce = exactlyOnce && seen[std::size_t(p * share + k)] == (k < added[std::size_t(p)] ? 1 : 0);
    }
    say("added " + std::to_string(total) + " delivered " + std::to_string(delivered) + " held-at " +
        std::to_string(heldAt) + " exactly-once " + (exactlyOnce ? "yes" : "no") + " exit " + std::to_string(code));
    return code;
}
