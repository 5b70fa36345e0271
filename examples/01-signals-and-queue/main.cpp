// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Three producers fill a bounded Queue, one consumer drains it; a Cancel
// Signal stops the producers early, and a Till bounds every blocking call.
#include <skein/skein.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

using namespace std::chrono_literals;

int main()
{
    skein::Queue<std::string> lines("lines", 4);
    skein::Signal cancel("cancel");
    skein::Signal producersDone("producers done");

    std::vector<std::thread> producers;
    for (int p = 0; p < 3; ++p) {
        producers.emplace_back([&, p] {
            for (int i = 0; !cancel; ++i) {
                // A full queue blocks add(); cancel unblocks it.
                if (!lines.add("producer " + std::to_string(p) + " line " + std::to_string(i), cancel))
                    break;
                skein::Till(2ms).wait();  // pace the work
            }
        });
    }

    // Cancel after 50 ms, from the timer thread.
    const skein::Till deadline(50ms);
    deadline.then([&] { cancel.go(); });

    std::thread consumer([&] {
        int count = 0;
        while (const auto line = lines.pop(skein::Till(5s))) {
            if (++count % 10 == 0)
                std::printf("consumed %d, latest: %s\n", count, line->c_str());
        }
        std::printf("consumer: queue closed and drained after %d lines\n", count);
    });

    cancel.wait();
    for (auto& t : producers)
        t.join();
    lines.close();  // the consumer drains what is left, then pop() says nullopt
    consumer.join();
    std::printf("cancelled by '%s' after the deadline '%s'\n", cancel.name().c_str(), deadline.name().c_str());
}
