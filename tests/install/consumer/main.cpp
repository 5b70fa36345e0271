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
    skein::Queue<int> numbers("numbers");
    skein::Signal finished("finished");
    std::thread consumer([&] {
        int sum = 0;
        while (auto n = numbers.pop(skein::Till(10s)))
            sum += *n;
        std::printf("sum %d\n", sum);
        finished.go();
    });
    for (int i = 1; i <= 10; ++i)
        numbers.add(i);
    numbers.close();
    const bool ok = finished.wait(skein::Till(10s));
    consumer.join();
    return ok ? 0 : 1;
}
