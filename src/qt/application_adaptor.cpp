// SPDX-FileCopyrightText: 2026 The Skein authors
// SPDX-License-Identifier: MIT
#include "skein/qt/application_adaptor.h"

#include "skein/error.h"
#include "skein/log.h"
#include "skein/main_thread.h"
#include "skein/qt/connect.h"

#include "logging_p.h"

namespace skein {

struct ApplicationAdaptor::Private {
    std::unique_ptr<MainThread> main;
    Thread mainThread;  // kept after shutdown
    Connection quitOnStop;
};

ApplicationAdaptor::ApplicationAdaptor(QCoreApplication* application)
    : QObject(application),
      d(std::make_unique<Private>())
{
    detail::useQtLogging();
    if (!application)
        throw UsageError("ApplicationAdaptor: no application object (a null QCoreApplication*)");
    try {
        d->main = std::make_unique<MainThread>();
    } catch (const UsageError& e) {
        throw UsageError(std::string("ApplicationAdaptor: it is the process's MainThread, and ") + e.what());
    }
    d->mainThread = d->main->thread();
    d->quitOnStop = skein::connect(d->main->thread().pleaseStop(), this, [application] { application->quit(); });
    QObject::connect(application, &QCoreApplication::aboutToQuit, this, &ApplicationAdaptor::shutDown);
}

ApplicationAdaptor::~ApplicationAdaptor() { shutDown(); }

Thread ApplicationAdaptor::mainThread() const { return d->mainThread; }

void ApplicationAdaptor::shutDown()
{
    if (!d->main)
        return;
    d->quitOnStop.disconnect();
    try {
        d->main->stop();
        d->main->waitForShutdown();
    } catch (...) {
        SKEIN_LOG(Shutdown, Error,
                  "shutdown: a thread failed and nobody joined it: " + errorMessage(std::current_exception()));
    }
    d->main.reset();
}

}  // namespace skein
