// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — clang Thread Safety Analysis attributes, for Skein and its users.
///
/// `skein::Lock` is declared a capability, so data it protects can say so and
/// clang's `-Wthread-safety` checks every access:
/// ```cpp
/// skein::Lock lock{"accounts"};
/// int balance SKEIN_GUARDED_BY(lock) = 0;
/// void deposit(int n) SKEIN_EXCLUDES(lock) { std::lock_guard g(lock); balance += n; }
/// ```
/// (The analysis follows `lock()`/`unlock()` and annotated scoped guards;
/// std::lock_guard is not annotated in libstdc++, so annotate your own guard
/// or call lock()/unlock().) With other compilers the macros expand to
/// nothing. Any other set of macros naming the same attributes (abseil's
/// `ABSL_GUARDED_BY`, …) works with skein::Lock as well.
#pragma once

/// \cond INTERNAL
#if defined(__clang__)
#define SKEIN_THREAD_ANNOTATION(x) __attribute__((x))
#else
#define SKEIN_THREAD_ANNOTATION(x)
#endif
/// \endcond

/// Declares a class a capability (a lock) called `x` in the analysis' messages.
#define SKEIN_CAPABILITY(x) SKEIN_THREAD_ANNOTATION(capability(x))
/// Declares an RAII class that holds a capability for its lifetime.
#define SKEIN_SCOPED_CAPABILITY SKEIN_THREAD_ANNOTATION(scoped_lockable)
/// The member or variable may only be used while `x` is held.
#define SKEIN_GUARDED_BY(x) SKEIN_THREAD_ANNOTATION(guarded_by(x))
/// What the pointer points to may only be used while `x` is held.
#define SKEIN_PT_GUARDED_BY(x) SKEIN_THREAD_ANNOTATION(pt_guarded_by(x))
/// The function must be called with these capabilities held.
#define SKEIN_REQUIRES(...) SKEIN_THREAD_ANNOTATION(requires_capability(__VA_ARGS__))
/// The function must be called without these capabilities held (it takes them).
#define SKEIN_EXCLUDES(...) SKEIN_THREAD_ANNOTATION(locks_excluded(__VA_ARGS__))
/// The function takes the capabilities (this object when none is named).
#define SKEIN_ACQUIRE(...) SKEIN_THREAD_ANNOTATION(acquire_capability(__VA_ARGS__))
/// The function takes the capabilities when it returns `result`.
#define SKEIN_TRY_ACQUIRE(...) SKEIN_THREAD_ANNOTATION(try_acquire_capability(__VA_ARGS__))
/// The function releases the capabilities (this object when none is named).
#define SKEIN_RELEASE(...) SKEIN_THREAD_ANNOTATION(release_capability(__VA_ARGS__))
/// The function returns a reference to the capability `x`.
#define SKEIN_RETURN_CAPABILITY(x) SKEIN_THREAD_ANNOTATION(lock_returned(x))
/// Turns the analysis off for one function; say why next to it.
#define SKEIN_NO_THREAD_SAFETY_ANALYSIS SKEIN_THREAD_ANNOTATION(no_thread_safety_analysis)
