// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
/// \file
/// Skein — the core, in one include.
#pragma once

#include "skein/barrier.h"
#include "skein/error.h"
#include "skein/lock.h"
#include "skein/main_thread.h"
#include "skein/log.h"
#include "skein/priority_queue.h"
#include "skein/queue.h"
#include "skein/semaphore.h"
#include "skein/signal.h"
#include "skein/thread.h"
#include "skein/thread_group.h"
#include "skein/threaded_queue.h"
#include "skein/till.h"
