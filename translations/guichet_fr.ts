<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
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
</context>
</TS>
