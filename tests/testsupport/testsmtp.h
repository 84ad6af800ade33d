#pragma once

#include <QByteArray>

namespace guichet::test {

// The SMTP server scripts/test starts on loopback (GUICHET_TEST_SMTP_URL) and the
// Maildir it writes what it receives into (GUICHET_TEST_MAILDIR).
bool hasTestSmtpServer();
// scripts/test starts the server just before the tests: waits until it listens.
bool waitForSmtpServer();
// The delivered message that contains token and, if given, alsoContaining (line
// ends as LF), or empty. Every back-end's test shares the Maildir: tokens tell
// the messages apart.
QByteArray deliveredMail(const QByteArray &token, const QByteArray &alsoContaining = {});

} // namespace guichet::test

// Skips the current test function when there is no test SMTP server (the test
// was not run through scripts/test), and fails it when the server does not answer.
#define GUICHET_REQUIRE_SMTP()                                                                               \
    do {                                                                                                     \
        if (!guichet::test::hasTestSmtpServer())                                                             \
            QSKIP("No test SMTP server: run through scripts/test.");                                         \
        QVERIFY2(guichet::test::waitForSmtpServer(), "The test SMTP server does not answer.");               \
    } while (false)
