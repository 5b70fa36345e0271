// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Running `true`, again and again: Skein's Command (a reused `sh` session)
// against a process per run.
//
// BM_RunTrue/<impl>: one iteration is kRuns runs of `true`, one after the
//   other, each checked for exit code 0; the time reported (manual time) is
//   per run (the iteration's time / kRuns).
//   skein:    skein::Command::run("true"): the command line goes to a shell
//             session that is already running (one run before the timing
//             starts the session), which runs it in a subshell: one fork,
//             no exec, no thread.
// BM_RunTrueShared/<impl>: the same, with Command's Options::isolated off:
//   skein runs `true` in the session's shell itself (no fork at all);
//   process is the same as above, for the ratio.
//   process:  skein::Process p("t", "/bin/true"); p.join(): a process, read
//             by a Skein thread of its own.
//   qprocess: a bare QProcess on the calling thread: start("/bin/true") +
//             waitForFinished().
//
// Names are <Family>/<impl> so that scripts/bench_ratios.py can pair them.
#include <benchmark/benchmark.h>

#include <QProcess>
#include <QString>
#include <QStringList>

#include <chrono>

#include "skein/qt/process.h"

namespace {

using Clock = std::chrono::steady_clock;

constexpr int kRuns = 1000;

// Runs `once` kRuns times per iteration; it returns the exit code.
template <class Once>
void runTrue(benchmark::State& state, Once once)
{
    for (auto _ : state) {
        const Clock::time_point start = Clock::now();
        for (int i = 0; i < kRuns; ++i) {
            if (once() != 0) {
                state.SkipWithError("`true` did not exit with 0");
                return;
            }
        }
        state.SetIterationTime(std::chrono::duration<double>(Clock::now() - start).count() / kRuns);
    }
}

void runTrueInCommands(benchmark::State& state, bool isolated)
{
    skein::Command::Options options;
    options.isolated = isolated;
    const auto warmUp =
        skein::Command::run(QStringLiteral("true"), skein::Signal::never(), options);  // starts the session
    if (!warmUp || warmUp->exitCode != 0) {
        state.SkipWithError("the first Command::run(\"true\") failed");
        return;
    }
    runTrue(state, [&options] {
        const auto result = skein::Command::run(QStringLiteral("true"), skein::Signal::never(), options);
        return result ? result->exitCode : -1;
    });
}

void BM_RunTrue_skein(benchmark::State& state) { runTrueInCommands(state, true); }
void BM_RunTrue_skeinShared(benchmark::State& state) { runTrueInCommands(state, false); }

void BM_RunTrue_process(benchmark::State& state)
{
    runTrue(state, [] {
        skein::Process p("t", QStringLiteral("/bin/true"));
        return p.join();
    });
}

void BM_RunTrue_qprocess(benchmark::State& state)
{
    runTrue(state, [] {
        QProcess p;
        p.start(QStringLiteral("/bin/true"), QStringList());
        if (!p.waitForFinished(-1) || p.exitStatus() != QProcess::NormalExit)
            return -1;
        return p.exitCode();
    });
}

BENCHMARK(BM_RunTrue_skein)->Name("BM_RunTrue/skein")->Iterations(1)->UseManualTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RunTrue_process)
    ->Name("BM_RunTrue/process")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RunTrue_skeinShared)
    ->Name("BM_RunTrueShared/skein")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RunTrue_process)
    ->Name("BM_RunTrueShared/process")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_RunTrue_qprocess)
    ->Name("BM_RunTrue/qprocess")
    ->Iterations(1)
    ->UseManualTime()
    ->Unit(benchmark::kMicrosecond);

}  // namespace
