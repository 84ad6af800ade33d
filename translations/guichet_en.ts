<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en">
<context>
    <name>guichet::Accounts</name>
    <message numerus="yes">
        <source>Too many failed sign-ins: try again in %n second(s).</source>
        <translation>
            <numerusform>Too many failed sign-ins: try again in %n second.</numerusform>
            <numerusform>Too many failed sign-ins: try again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::ApiServer</name>
    <message numerus="yes">
        <source>Too many requests from your address: try again in %n second(s).</source>
        <translation>
            <numerusform>Too many requests from your address: try again in %n second.</numerusform>
            <numerusform>Too many requests from your address: try again in %n seconds.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::AttachedFilesSection</name>
    <message numerus="yes">
        <source>%n file(s) written:</source>
        <translation>
            <numerusform>%n file written:</numerusform>
            <numerusform>%n files written:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) deleted.</source>
        <translation>
            <numerusform>%n file deleted.</numerusform>
            <numerusform>%n files deleted.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Delete %n attached file(s)?
%1</source>
        <translation>
            <numerusform>Delete this attached file?
%1</numerusform>
            <numerusform>Delete these %n attached files?
%1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::AttachmentsSection</name>
    <message numerus="yes">
        <source>You are the principal manager of %n of them: you will designate a new principal manager and stay attached as a simple user.</source>
        <translation>
            <numerusform>You are the principal manager of one of them: you will designate a new principal manager and stay attached as a simple user.</numerusform>
            <numerusform>You are the principal manager of %n of them: you will designate a new principal manager and stay attached as a simple user.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s) deleted.</source>
        <translation>
            <numerusform>%n attachment deleted.</numerusform>
            <numerusform>%n attachments deleted.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::AuditRenderer</name>
    <message numerus="yes">
        <source>%n attachment(s)</source>
        <translation>
            <numerusform>%n attachment</numerusform>
            <numerusform>%n attachments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n subscription(s)</source>
        <translation>
            <numerusform>%n subscription</numerusform>
            <numerusform>%n subscriptions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Failed sign-in of %1: wrong password (%n in a row).</source>
        <translation>
            <numerusform>Failed sign-in of %1: wrong password (%n in a row).</numerusform>
            <numerusform>Failed sign-in of %1: wrong password (%n in a row).</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The account of %1 was locked until %2 after %n failed sign-in(s).</source>
        <translation>
            <numerusform>The account of %1 was locked until %2 after %n failed sign-in.</numerusform>
            <numerusform>The account of %1 was locked until %2 after %n failed sign-ins.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n structure(s) generated for measurements.</source>
        <translation>
            <numerusform>%n structure generated for measurements.</numerusform>
            <numerusform>%n structures generated for measurements.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The account %1 was removed: it was not activated within %n day(s).</source>
        <translation>
            <numerusform>The account %1 was removed: it was not activated within %n day.</numerusform>
            <numerusform>The account %1 was removed: it was not activated within %n days.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::CommandDescription</name>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n item</numerusform>
            <numerusform>%n items</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::Digests</name>
    <message numerus="yes">
        <source>The attachment request of %1 to %2 has waited for more than %n day(s).</source>
        <translation>
            <numerusform>The attachment request of %1 to %2 has waited for more than %n day.</numerusform>
            <numerusform>The attachment request of %1 to %2 has waited for more than %n days.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The subscription request of %1 for the space %2 on %3 has waited for more than %n day(s).</source>
        <translation>
            <numerusform>The subscription request of %1 for the space %2 on %3 has waited for more than %n day.</numerusform>
            <numerusform>The subscription request of %1 for the space %2 on %3 has waited for more than %n days.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… and %n more.</numerusform>
            <numerusform>… and %n more.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The removal request of %1 for the space %2 on %3 has waited for more than %n day(s).</source>
        <translation>
            <numerusform>The removal request of %1 for the space %2 on %3 has waited for more than %n day.</numerusform>
            <numerusform>The removal request of %1 for the space %2 on %3 has waited for more than %n days.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::ManagerActivityPage</name>
    <message numerus="yes">
        <source>%1 was attached to %n structure(s).</source>
        <translation>
            <numerusform>%1 was attached to %n structure.</numerusform>
            <numerusform>%1 was attached to %n structures.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n subscription(s) added</source>
        <translation>
            <numerusform>%n subscription added</numerusform>
            <numerusform>%n subscriptions added</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n user</numerusform>
            <numerusform>%n users</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) have been waiting for more than %1 days.</source>
        <translation>
            <numerusform>%n request has been waiting for more than %1 days.</numerusform>
            <numerusform>%n requests have been waiting for more than %1 days.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s) end within %1 days.</source>
        <translation>
            <numerusform>%n attachment ends within %1 days.</numerusform>
            <numerusform>%n attachments end within %1 days.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Validate %n attachment request(s)?</source>
        <translation>
            <numerusform>Validate %n attachment request?</numerusform>
            <numerusform>Validate %n attachment requests?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refuse %n attachment request(s)?</source>
        <translation>
            <numerusform>Refuse %n attachment request?</numerusform>
            <numerusform>Refuse %n attachment requests?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) validated; the requesters have been notified by e-mail.</source>
        <translation>
            <numerusform>%n request validated; the requester has been notified by e-mail.</numerusform>
            <numerusform>%n requests validated; the requesters have been notified by e-mail.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) refused; the requesters have been notified by e-mail.</source>
        <translation>
            <numerusform>%n request refused; the requester has been notified by e-mail.</numerusform>
            <numerusform>%n requests refused; the requesters have been notified by e-mail.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Validate %n subscription request(s)?</source>
        <translation>
            <numerusform>Validate %n subscription request?</numerusform>
            <numerusform>Validate %n subscription requests?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refuse %n subscription request(s)?</source>
        <translation>
            <numerusform>Refuse %n subscription request?</numerusform>
            <numerusform>Refuse %n subscription requests?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 is set for the structure: %n subscription request(s) were generated for its users.</source>
        <translation>
            <numerusform>%1 is set for the structure: %n subscription request was generated for its users.</numerusform>
            <numerusform>%1 is set for the structure: %n subscription requests were generated for its users.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%1 was removed from the structure: %n subscription(s) ended.</source>
        <translation>
            <numerusform>%1 was removed from the structure: %n subscription ended.</numerusform>
            <numerusform>%1 was removed from the structure: %n subscriptions ended.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>All my structures (%n)</source>
        <translation>
            <numerusform>All my structures (%n)</numerusform>
            <numerusform>All my structures (%n)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s)</source>
        <translation>
            <numerusform>%n attachment</numerusform>
            <numerusform>%n attachments</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n subscription(s)</source>
        <translation>
            <numerusform>%n subscription</numerusform>
            <numerusform>%n subscriptions</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them ask(s) to remove a subscription: validating removes it.</source>
        <translation>
            <numerusform>%n of them asks to remove a subscription: validating removes it.</numerusform>
            <numerusform>%n of them ask to remove a subscription: validating removes it.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them ask(s) to remove a subscription: refusing keeps it active.</source>
        <translation>
            <numerusform>%n of them asks to remove a subscription: refusing keeps it active.</numerusform>
            <numerusform>%n of them ask to remove a subscription: refusing keeps it active.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::PendingRequests</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n day</numerusform>
            <numerusform>%n days</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Waiting for more than %n day(s)</source>
        <translation>
            <numerusform>Waiting for more than %n day</numerusform>
            <numerusform>Waiting for more than %n days</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::StructureSearchDialog</name>
    <message numerus="yes">
        <source>%n structure(s) found.</source>
        <translation>
            <numerusform>%n structure found.</numerusform>
            <numerusform>%n structures found.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>At least %n structure(s) found; counting them all…</source>
        <translation>
            <numerusform>At least %n structure found; counting them all…</numerusform>
            <numerusform>At least %n structures found; counting them all…</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n structure(s) found so far; scroll down for more.</source>
        <translation>
            <numerusform>%n structure found so far; scroll down for more.</numerusform>
            <numerusform>%n structures found so far; scroll down for more.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n structure(s) exported to %1.</source>
        <translation>
            <numerusform>%n structure exported to %1.</numerusform>
            <numerusform>%n structures exported to %1.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::SubscriptionsSection</name>
    <message numerus="yes">
        <source>Delete %n subscription(s)?
%1</source>
        <translation>
            <numerusform>Delete this subscription?
%1</numerusform>
            <numerusform>Delete these %n subscriptions?
%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n subscription(s) deleted.</source>
        <translation>
            <numerusform>%n subscription deleted.</numerusform>
            <numerusform>%n subscriptions deleted.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n removal request(s) withdrawn: the subscription(s) stay active.</source>
        <translation>
            <numerusform>%n removal request withdrawn: the subscription stays active.</numerusform>
            <numerusform>%n removal requests withdrawn: the subscriptions stay active.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removal asked for %n subscription(s): a manager of the structure decides, and the subscription stays active until then.</source>
        <translation>
            <numerusform>Removal asked for %n subscription: a manager of the structure decides, and the subscription stays active until then.</numerusform>
            <numerusform>Removal asked for %n subscriptions: a manager of the structure decides, and the subscriptions stay active until then.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::SyncStatusButton</name>
    <message numerus="yes">
        <source>%n change(s) waiting</source>
        <translation>
            <numerusform>%n change waiting</numerusform>
            <numerusform>%n changes waiting</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) refused by the server</source>
        <translation>
            <numerusform>%n change refused by the server</numerusform>
            <numerusform>%n changes refused by the server</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>First synchronisation: %n row(s) received</source>
        <translation>
            <numerusform>First synchronisation: %n row received</numerusform>
            <numerusform>First synchronisation: %n rows received</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>First synchronisation: %1 / %n row(s) received</source>
        <translation>
            <numerusform>First synchronisation: %1 / %n row received</numerusform>
            <numerusform>First synchronisation: %1 / %n rows received</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::TextLimits</name>
    <message numerus="yes">
        <source>This text is too long: %1 characters, at most %n accepted.</source>
        <translation>
            <numerusform>This text is too long: %1 characters, at most %n accepted.</numerusform>
            <numerusform>This text is too long: %1 characters, at most %n accepted.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The field %1 is too long: %2 characters, at most %n accepted.</source>
        <translation>
            <numerusform>The field %1 is too long: %2 characters, at most %n accepted.</numerusform>
            <numerusform>The field %1 is too long: %2 characters, at most %n accepted.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::ctl</name>
    <message numerus="yes">
        <source>%n entries.</source>
        <translation>
            <numerusform>%n entry.</numerusform>
            <numerusform>%n entries.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Imported %n structure(s).</source>
        <translation>
            <numerusform>Imported %n structure.</numerusform>
            <numerusform>Imported %n structures.</numerusform>
        </translation>
    </message>
</context>
</TS>
