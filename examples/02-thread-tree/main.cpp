// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// A loader thread feeds 1 500 jobs to three workers through a bounded Queue;
// the workers report progress; Ctrl-C (or the 300 ms budget below) stops the
// whole tree, children before parents, and each thread says when it stopped.
#include <skein/skein.h>

#include <chrono>
#include <cstdio>
#include <string>

using namespace std::chrono_literals;

int main()
{
    skein::MainThread mainThread;  // SIGINT/SIGTERM -> main's pleaseStop

    skein::Queue<int> jobs("jobs", 8);
    auto loader = skein::Thread::run("loader", [&jobs](const skein::Signal& pleaseStop) {
        for (int job = 0; job < 1500; ++job)
            if (!jobs.add(job, pleaseStop))  // blocks while full, until asked to stop
                break;
        jobs.close();  // the workers drain what is left, then pop() says nullopt
        std::printf("stopped %s\n", skein::Thread::current().path().c_str());
    });

    skein::ThreadGroup workers("workers");
    for (int w = 1; w <= 3; ++w) {
        workers.spawn("worker-" + std::to_string(w), [&jobs](const skein::Signal& pleaseStop) {
            int done = 0;
            while (const auto job = jobs.pop(pleaseStop)) {
                skein::Till(1ms).wait(pleaseStop);  // the "work"
                ++done;
                skein::Thread::current().setProgress((*job + 1) / 1500.0, "job " + std::to_string(*job));
            }
            std::printf("stopped %s after %d jobs\n", skein::Thread::current().path().c_str(), done);
            return done;
        });
    }

    skein::Till(300ms).wait(mainThread.thread().pleaseStop());
    std::printf("%s", skein::dumpThreads().c_str());
    mainThread.stop();
    return mainThread.waitForShutdown();  // joins everything, children first
}
