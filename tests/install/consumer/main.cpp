// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Built against an installed Skein: a Queue, a Till and a Signal at work.
#include <skein/skein.h>

#include <chrono>
#include <cstdio>
#include <thread>

int main()
{
    using namespace std::chrono_literals;
    // Hang guards only: the program takes milliseconds, but a sanitized
    // build on a loaded machine may take seconds, and must not fail for it.
    const auto hangGuard = 120s;
    skein::Queue<int> numbers("numbers");
    skein::Signal finished("finished");
    std::thread consumer([&] {
        int sum = 0;
        while (auto n = numbers.pop(skein::Till(hangGuard)))
            sum += *n;
        std::printf("sum %d\n", sum);
        finished.go();
    });
    for (int i = 1; i <= 10; ++i)
        numbers.add(i);
    numbers.close();
    const bool ok = finished.wait(skein::Till(hangGuard));
    consumer.join();
    return ok ? 0 : 1;
}
