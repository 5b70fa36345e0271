#include <QtTest>
class tst_async_handler: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_async_handler)
#include "tst_async_handler.moc"
