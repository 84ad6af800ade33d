<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>guichet::Accounts</name>
    <message>
        <source>The password could not be protected (out of memory).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Complete or correct these fields: %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hello %1,

To reactivate your Guichet account, open this link:
%2

or paste this code on the reactivation page:
%3

You will choose a new password, a new secret question and its answer. The link works once and until %4. If it has expired, ask for a new mail with "Reactivate my account".

If you did not ask for this, ignore this mail: your account stays deactivated.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reactivate your Guichet account</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This reactivation link is no longer valid: ask for a new mail with "Reactivate my account".</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The %1-day reactivation period is over: contact support from the solicitation space to have your account reactivated.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>e-mail (a valid address)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>first name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>last name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>language (fr or en)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A user with the e-mail %1 already exists.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>E-mail or password incorrect.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Too many failed sign-ins: the account is locked until %1.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>Too many failed sign-ins: try again in %n second(s).</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <source>Your Guichet account is locked</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Hello %1,

After %2 failed sign-ins in a row, your Guichet account is locked until %3. You can sign in again after that time.

If these attempts were not yours, change your password as soon as you can sign in.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This account is deactivated: it can only be reactivated ("Reactivate my account").</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>contact e-mail</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>contact e-mail (not a valid address)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The current password is not correct.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The confirmation does not match the new password.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>secret question</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>answer to the secret question</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The answer could not be protected (out of memory).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>To receive notifications, give the contact e-mail they are sent to.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The contact e-mail is not a valid address.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Designate a new principal manager for: %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>If a deactivated account matches this address, a reactivation mail has been sent to it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>new password</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>new secret question</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This user does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This account is active: there is nothing to reactivate.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>No user has the e-mail %1.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::AttachedFiles</name>
    <message>
        <source>Supporting document</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Vehicle registration</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Brochure</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Purchase order</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Contract</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Quote</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Designation is required.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Designation is too long: %1 characters at most.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>File type is required.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>File type '%1' is not in the list of file types.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Select at least one file.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>File %1 does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Only the owner of a file may do this.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The stored file '%1' is damaged: its content no longer matches its checksum.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The file is empty: choose a file with content.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The file is too large: %1 MB at most.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>designation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>file type</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>file</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Required fields are missing: %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The folder '%1' does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write '%1': %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot find a free name for '%1' in the folder.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::Attachments</name>
    <message>
        <source>Choose the structure.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The structure was not found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter the start of validity.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The end of validity must be after its start.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose « Attach to the structure » or check at least one service.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The service %1 does not belong to %2.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The service %1 of %2 is no longer active.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You are already attached to %1 or your request is waiting.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>An attachment request waits for you</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %2 asks to be attached to %3 (SIRET %4). Open Guichet to validate or refuse the request.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The attachment request %1 was not found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The request of %1 was already decided.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 already has a principal manager.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Your attachment request to %1 (SIRET %2) was validated.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Your attachment request to %1 (SIRET %2) was refused.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Comment: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attachment request validated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attachment request refused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check at least one request.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The attachment %1 was not found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose the new principal manager of %1 (SIRET %2).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You are now the principal manager of %1 (SIRET %2).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You are now principal manager</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Attachment removed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Your attachment to %1 (SIRET %2) was removed by a manager.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check at least one attachment.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A structure cannot be left without a principal manager.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Only the principal manager may give secondary managers the principal's powers.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::AuditLog</name>
    <message>
        <source>Time (UTC)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Actor</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Command</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Entity</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Entity id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Structure</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Details</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Comment</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::CommandContext</name>
    <message>
        <source>Only support staff may do this.</source>
        <translation>Seul le support peut effectuer cette action.</translation>
    </message>
</context>
<context>
    <name>guichet::Core</name>
    <message>
        <source>Unknown user.</source>
        <translation>Utilisateur inconnu.</translation>
    </message>
    <message>
        <source>This account is deactivated: it can only be reactivated.</source>
        <translation>Ce compte est désactivé : il peut seulement être réactivé.</translation>
    </message>
    <message>
        <source>The database refused the change: %1</source>
        <translation>La base de données a refusé la modification : %1</translation>
    </message>
</context>
<context>
    <name>guichet::Database</name>
    <message>
        <source>The %1 database driver is not installed.</source>
        <translation>Le pilote de base de données %1 n'est pas installé.</translation>
    </message>
    <message>
        <source>Invalid PostgreSQL URL: %1</source>
        <translation>URL PostgreSQL invalide : %1</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Impossible d'ouvrir la base de données %1 : %2</translation>
    </message>
    <message>
        <source>Database migration failed: %1</source>
        <translation>La migration de la base de données a échoué : %1</translation>
    </message>
</context>
<context>
    <name>guichet::PasswordPolicy</name>
    <message>
        <source>The password must have at least %1 characters.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The password must mix at least 3 of: lower-case letters, upper-case letters, digits, other characters.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The password must not contain your e-mail address (the part before @).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The new password must be different from the current one.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::Permissions</name>
    <message>
        <source>You do not manage this structure.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::Principals</name>
    <message>
        <source>The new principal manager was not found.</source>
        <translation>Le nouveau gestionnaire principal est introuvable.</translation>
    </message>
    <message>
        <source>The new principal manager must have an active account.</source>
        <translation>Le nouveau gestionnaire principal doit avoir un compte actif.</translation>
    </message>
    <message>
        <source>The new principal manager must be someone else.</source>
        <translation>Le nouveau gestionnaire principal doit être une autre personne.</translation>
    </message>
</context>
<context>
    <name>guichet::Solicitations</name>
    <message>
        <source>Account reactivation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Access to the portal</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Naming a principal manager</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Other</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>New</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>In progress</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Waiting for the sender</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Closed</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>category</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>subject</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>message</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Required fields are missing: %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Category '%1' is not in the list of categories.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Subject is too long: %1 characters at most.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Message is too long: %1 characters at most.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Status '%1' is not a solicitation status.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The message is required.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Solicitation %1 does not exist.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>E-mail address is required: support answers there.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>E-mail address '%1' is not valid.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reply to your request: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Support replied to your request "%1" (status: %2):

%3</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Only the sender of a solicitation may add to it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>This solicitation is not waiting for your answer.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::Spaces</name>
    <message>
        <source>Generated automatically: this space is set for the whole structure.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The structure was not found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose a space from the list.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The space %1 is already set for this structure.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The space %1 is not set for this structure.</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::Subscriptions</name>
    <message>
        <source>Validated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Awaiting validation</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Refused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose the structure.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The structure was not found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose the space.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Choose a space from the list.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Enter the date from which the subscription is effective.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Tick modification or consultation for at least one service.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You are not attached to this structure today: request an attachment first.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You are attached to some services only: you cannot subscribe for the whole structure (default service).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The service %1 is not an active service of this structure.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You are not attached to the service %1.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You already have this subscription or a request for it (%1, %2).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>A subscription request waits for you</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>%1 %2 asks for the space %3 on %4. Open Guichet to validate or refuse it.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check at least one request.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The subscription request %1 was not found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The subscription request %1 was already decided.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>whole structure</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Your subscription request was validated:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Your subscription request was refused:</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Comment: %1</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Subscription request validated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Subscription request refused</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Check at least one subscription.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The subscription %1 was not found.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>You may only remove your own subscriptions.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Whole structure</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Default service (whole structure)</source>
        <translation type="unfinished" />
    </message>
</context>
<context>
    <name>guichet::ctl</name>
    <message>
        <source>The database %1 is not initialised: run 'guichetctl init' first.</source>
        <translation>La base de données %1 n'est pas initialisée : lancez d'abord « guichetctl init ».</translation>
    </message>
    <message>
        <source>Create the database or bring its schema up to date.</source>
        <translation>Créer la base de données ou mettre son schéma à jour.</translation>
    </message>
    <message>
        <source>init takes no argument.</source>
        <translation>init ne prend aucun argument.</translation>
    </message>
    <message>
        <source>Database %1 is at schema version %2.</source>
        <translation>La base de données %1 est à la version de schéma %2.</translation>
    </message>
    <message>
        <source>Summarise what the database holds.</source>
        <translation>Résumer le contenu de la base de données.</translation>
    </message>
    <message>
        <source>Database: %1 (schema version %2)</source>
        <translation>Base de données : %1 (version de schéma %2)</translation>
    </message>
    <message>
        <source>Structures: %1</source>
        <translation>Structures : %1</translation>
    </message>
    <message>
        <source>Users: %1 (%2 deactivated)</source>
        <translation>Utilisateurs : %1 (dont %2 désactivés)</translation>
    </message>
    <message>
        <source>Pending attachment requests: %1</source>
        <translation>Demandes de rattachement en attente : %1</translation>
    </message>
    <message>
        <source>Pending subscription requests: %1</source>
        <translation>Demandes d'abonnement en attente : %1</translation>
    </message>
    <message>
        <source>Mails waiting in the outbox: %1</source>
        <translation>Courriels en attente d'envoi : %1</translation>
    </message>
    <message>
        <source>create or migrate the database</source>
        <translation>créer ou migrer la base de données</translation>
    </message>
    <message>
        <source>summarise what the database holds</source>
        <translation>résumer le contenu de la base de données</translation>
    </message>
    <message>
        <source>Guichet operator tool.</source>
        <translation>Outil d'exploitation de Guichet.</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Commandes :</translation>
    </message>
    <message>
        <source>print the database location in use</source>
        <translation>afficher l'emplacement de la base de données utilisée</translation>
    </message>
    <message>
        <source>Run 'guichetctl COMMAND --help' for the options of a command.</source>
        <translation>Lancez « guichetctl COMMANDE --help » pour les options d'une commande.</translation>
    </message>
    <message>
        <source>SQLite file or postgresql://user:password@host:port/name (default: %1).</source>
        <translation>Fichier SQLite ou postgresql://utilisateur:motdepasse@hôte:port/nom (par défaut : %1).</translation>
    </message>
    <message>
        <source>location</source>
        <translation>emplacement</translation>
    </message>
    <message>
        <source>The command to run.</source>
        <translation>La commande à exécuter.</translation>
    </message>
    <message>
        <source>unknown command '%1' (see guichetctl --help).</source>
        <translation>commande inconnue « %1 » (voir guichetctl --help).</translation>
    </message>
    <message>
        <source>add a user, mail a reactivation link, list users</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>print or export the audit log</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Print the audit log, oldest first. DATE is yyyy-MM-dd (UTC; --until includes that day) or an ISO date-time such as 2026-03-02T09:00:00Z.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Entries at or after DATE.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>DATE</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Entries before DATE (a plain date: up to its end).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Entries about one structure, by SIRET or id.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>SIRET-or-id</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Output format: table (default) or csv.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>table|csv</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>audit takes no argument (unexpected '%1').</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--since: '%1' is not a date (yyyy-MM-dd or ISO date-time).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--until: '%1' is not a date (yyyy-MM-dd or ISO date-time).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--until must come after --since.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--format: '%1' is neither table nor csv.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--structure: '%1' is neither a SIRET nor an id.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--structure: no structure '%1'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Cannot write to the standard output.</source>
        <translation type="unfinished" />
    </message>
    <message numerus="yes">
        <source>%n entries.</source>
        <translation type="unfinished">
            <numerusform />
            <numerusform />
        </translation>
    </message>
    <message>
        <source>password (standard input)</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Create a user account. The password is read from the first line of standard input.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Sign-in e-mail (unique).</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>email</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>First name.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>name</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Last name.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The user is support staff.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>fr (default) or en.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>language</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>users add: unexpected argument '%1'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--%1 is required.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>password (standard input): the first line is empty.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>User %1 created: %2</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Mail a deactivated user a reactivation link, at any time after the deactivation (support's path once the 60 days are over). The user then chooses a new password and secret question.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>The user's sign-in e-mail.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>users reactivate takes exactly one EMAIL.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Reactivation mail queued for %1; the link is valid until %2.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>List the user accounts.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>table (default) or csv.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>format</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>--format must be table or csv, not '%1'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>users list: unexpected argument '%1'.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>active</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>deactivated</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>, support</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>Usage: guichetctl users add|reactivate|list [options]
  add         create a user account (password on standard input)
  reactivate  mail a deactivated user a reactivation link
  list        list the user accounts
Run 'guichetctl users SUB-COMMAND --help' for its options.
</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>users needs a sub-command: add, reactivate or list.</source>
        <translation type="unfinished" />
    </message>
    <message>
        <source>users: unknown sub-command '%1' (add, reactivate or list).</source>
        <translation type="unfinished" />
    </message>
</context>
</TS>
