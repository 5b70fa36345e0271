// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Touches guarded data without its lock: -Wthread-safety -Werror must
// reject it, naming the lock (the twin of guarded.cpp).
#include <skein/detail/mutex.h>
#include <skein/lock.h>

struct Account {
    skein::Lock accounts{"accounts"};
    int balance SKEIN_GUARDED_BY(accounts) = 0;

    void deposit(int n) { balance += n; }
};

struct Counter {
    skein::detail::Mutex mutex;
    int count SKEIN_GUARDED_BY(mutex) = 0;

    void add() { ++count; }
};

int main()
{
    Account a;
    a.deposit(1);
    Counter c;
    c.add();
}
