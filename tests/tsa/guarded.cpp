// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Touches guarded data only with its lock held: compiles under
// -Wthread-safety -Werror (the twin of unguarded.cpp), as do Skein's own
// header templates.
#include <skein/detail/mutex.h>
#include <skein/lock.h>
#include <skein/queue.h>

#include <string>
#include <vector>

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
    // Skein's own templates are checked where they are used.
    skein::Queue<std::string> queue("q", 2);
    queue.add("a");
    queue.push("b");
    queue.extend(std::vector<std::string>{"c"}, skein::Signal::done());
    (void)queue.pop(skein::Signal::done());
    (void)queue.tryPop();
    (void)queue.popAll();
    queue.close();
    return int(queue.size()) + int(queue.isClosed());
}
