#include "ctl.h"

#include <QCoreApplication>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    return guichet::ctl::run(app.arguments());
}
