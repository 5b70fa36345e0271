#include <QtTest>
class tst_thread_adaptor: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_thread_adaptor)
#include "tst_thread_adaptor.moc"
