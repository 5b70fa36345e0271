#include <QtTest>
class tst_signal_adaptor: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_signal_adaptor)
#include "tst_signal_adaptor.moc"
