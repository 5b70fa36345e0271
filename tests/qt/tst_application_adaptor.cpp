#include <QtTest>
class tst_application_adaptor: public QObject { Q_OBJECT };
QTEST_GUILESS_MAIN(tst_application_adaptor)
#include "tst_application_adaptor.moc"
