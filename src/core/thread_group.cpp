#include "skein/thread_group.h"

#include "skein/log.h"

namespace skein {

ThreadGroup::ThreadGroup(std::string name, Wait wait)
    : name_(std::move(name)), wait_(wait), core_(std::make_shared<detail::GroupCore>())
{
    if (name_.empty())
        throw std::invalid_argument("skein: a ThreadGroup needs a name");
}

ThreadGroup::~ThreadGroup()
{
    stop();
    try {
        join();
    } catch (const std::exception& e) {
        log(LogLevel::Error, "ThreadGroup '" + name_ + "': a thread failed and the group was not joined: " + e.what());
    } catch (...) {
        log(LogLevel::Error, "ThreadGroup '" + name_ + "': a thread failed and the group was not joined");
    }
}

void ThreadGroup::add(Thread& thread)
{
    {
        std::lock_guard<std::mutex> lock(mutex_);
        threads_.push_back(thread);
    }
    thread.start();
    if (wait_ == Wait::None || core_->failed)
        thread.stop();
}

void ThreadGroup::join() { tryJoin(Signal::never()); }

bool ThreadGroup::tryJoin(const Signal& till)
{
    const std::vector<Thread> all = threads();
    Signal allStopped = Signal::done();
    for (const Thread& t : all)
        allStopped = allStopped & t.stopped();

    Signal stopWhen = core_->failed;
    if (wait_ == Wait::Any)
        stopWhen = stopWhen | core_->firstEnded;
    else if (wait_ == Wait::None)
        stopWhen = Signal::done();
    if (!(allStopped | stopWhen).wait(till))
        return false;
    if (stopWhen)
        stop();

    for (const Thread& t : all) {
        try {
            if (!t.tryJoin(till))
                return false;
        } catch (...) {
            // The group reports its first failure below, whoever failed.
        }
    }
    std::exception_ptr failure;
    {
        std::lock_guard<std::mutex> lock(core_->mutex);
        failure = core_->firstFailure;
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (joined_)
            failure = nullptr;  // rethrown once already
        joined_ = joined_ || failure;
    }
    if (failure)
        std::rethrow_exception(failure);
    return true;
}

void ThreadGroup::stop()
{
    for (const Thread& t : threads())
        t.stop();
}

std::vector<Thread> ThreadGroup::threads() const
{
    std::lock_guard<std::mutex> lock(mutex_);
    return threads_;
}

} // namespace skein
