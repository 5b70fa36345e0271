// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Touches guarded data only with its lock held: compiles under
// -Wthread-safety -Werror (the twin of unguarded.cpp).
#include <skein/detail/mutex.h>
#include <skein/lock.h>

struct Account {
    skein::Lock accounts{"accounts"};
    int balance SKEIN_GUARDED_BY(accounts) = 0;

    void deposit(int n) SKEIN_EXCLUDES(accounts)
    {
        accounts.lock();
        balance += n;
        accounts.unlock();
    }
};

struct Counter {
    skein::detail::Mutex mutex;
    int count SKEIN_GUARDED_BY(mutex) = 0;

    void add() SKEIN_EXCLUDES(mutex)
    {
        skein::detail::MutexLock lock(mutex);
        ++count;
    }
};

int main()
{
    Account a;
    a.deposit(1);
    Counter c;
    c.add();
}
