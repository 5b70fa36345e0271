// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
// Skein — private: a double-ended FIFO of items in one circular buffer,
// which keeps its capacity.
//
// What std::deque does for Queue, without a malloc every few items: once
// the buffer is as large as the queue gets, adding and removing items
// allocates nothing, and two Rings swapped (FifoQueue's `in` and `out`) hand
// their buffers back and forth. Growing moves every item to a buffer twice
// the size, so T's move must not throw (FifoQueue keeps std::deque for the
// others). Every change is all or nothing: a push that cannot allocate
// throws std::bad_alloc and changes nothing.
#pragma once

#include <cstddef>
#include <memory>
#include <new>
#include <type_traits>
#include <utility>

namespace skein::detail {

template <class T>
class Ring {
    static_assert(std::is_nothrow_move_constructible_v<T>, "Ring moves its items when it grows");

public:
    Ring() noexcept = default;
    Ring(const Ring&) = delete;
    Ring& operator=(const Ring&) = delete;
    ~Ring() { release(); }

    bool empty() const noexcept { return size_ == 0; }
    std::size_t size() const noexcept { return size_; }
    std::size_t capacity() const noexcept { return mask_ + (items_ != nullptr); }

    T& front() noexcept { return items_[head_]; }

    void push_back(T&& item)
    {
        reserveOneMore();
        ::new (static_cast<void*>(items_ + ((head_ + size_) & mask_))) T(std::move(item));
        ++size_;
    }

    void push_front(T&& item)
    {
        reserveOneMore();
        const std::size_t head = (head_ - 1) & mask_;
        ::new (static_cast<void*>(items_ + head)) T(std::move(item));
        head_ = head;
        ++size_;
    }

    void pop_front() noexcept
    {
        items_[head_].~T();
        head_ = (head_ + 1) & mask_;
        --size_;
    }

    void swap(Ring& other) noexcept
    {
        std::swap(items_, other.items_);
        std::swap(mask_, other.mask_);
        std::swap(head_, other.head_);
        std::swap(size_, other.size_);
    }

    // Empty: frees the buffer when it is far larger than `wanted` items
    // need, so that a burst long gone does not hold its memory for good.
    void trim(std::size_t wanted) noexcept
    {
        constexpr std::size_t kept = 1024;  // small enough never to give back
        if (size_ == 0 && capacity() > kept && capacity() / 8 > wanted)
            release();
    }

private:
    void reserveOneMore()
    {
        if (size_ != capacity())
            return;
        const std::size_t capacity = size_ == 0 ? 16 : 2 * size_;
        T* items = std::allocator<T>().allocate(capacity);
        for (std::size_t i = 0; i < size_; ++i) {
            T& from = items_[(head_ + i) & mask_];
            ::new (static_cast<void*>(items + i)) T(std::move(from));
            from.~T();
        }
        if (items_ != nullptr)
            std::allocator<T>().deallocate(items_, mask_ + 1);
        items_ = items;
        mask_ = capacity - 1;
        head_ = 0;
    }

    void release() noexcept
    {
        while (size_ != 0)
            pop_front();
        if (items_ != nullptr)
            std::allocator<T>().deallocate(items_, mask_ + 1);
        items_ = nullptr;
        mask_ = 0;
        head_ = 0;
    }

    T* items_ = nullptr;
    std::size_t mask_ = 0;  // capacity - 1 (a power of two), or 0 with no buffer
    std::size_t head_ = 0;
    std::size_t size_ = 0;
};

}  // namespace skein::detail
