<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="fr_FR">
<context>
    <name>guichet::AccountPage</name>
    <message>
        <source>Sections of my account</source>
        <translation>Rubriques de mon compte</translation>
    </message>
    <message>
        <source>Personal information</source>
        <translation>Informations personnelles</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Notifications</translation>
    </message>
    <message>
        <source>Attachments to structures</source>
        <translation>Rattachements aux structures</translation>
    </message>
    <message>
        <source>Subscriptions to spaces</source>
        <translation>Abonnements aux espaces</translation>
    </message>
    <message>
        <source>Attached files</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Deactivate my account</source>
        <translation>Désactiver mon compte</translation>
    </message>
</context>
<context>
    <name>guichet::Accounts</name>
    <message>
        <source>The password could not be protected (out of memory).</source>
        <translation>Le mot de passe n&apos;a pas pu être protégé (mémoire insuffisante).</translation>
    </message>
    <message>
        <source>Complete or correct these fields: %1.</source>
        <translation>Complétez ou corrigez les champs suivants : %1.</translation>
    </message>
    <message>
        <source>Reactivate your Guichet account</source>
        <translation>Réactivez votre compte Guichet</translation>
    </message>
    <message>
        <source>This reactivation link is no longer valid: ask for a new mail with &quot;Reactivate my account&quot;.</source>
        <translation>Ce lien de réactivation n&apos;est plus valide : demandez un nouveau courriel via « Réactiver mon compte ».</translation>
    </message>
    <message>
        <source>The %1-day reactivation period is over: contact support from the solicitation space to have your account reactivated.</source>
        <translation>Le délai de réactivation de %1 jours est dépassé : contactez le support depuis l&apos;espace de sollicitation pour faire réactiver votre compte.</translation>
    </message>
    <message>
        <source>e-mail (a valid address)</source>
        <translation>adresse électronique (une adresse valide)</translation>
    </message>
    <message>
        <source>first name</source>
        <translation>prénom</translation>
    </message>
    <message>
        <source>last name</source>
        <translation>nom</translation>
    </message>
    <message>
        <source>language (fr or en)</source>
        <translation>langue (fr ou en)</translation>
    </message>
    <message>
        <source>A user with the e-mail %1 already exists.</source>
        <translation>Un utilisateur avec l&apos;adresse électronique %1 existe déjà.</translation>
    </message>
    <message>
        <source>E-mail or password incorrect.</source>
        <translation>Adresse électronique ou mot de passe incorrect.</translation>
    </message>
    <message numerus="yes">
        <source>Too many failed sign-ins: try again in %n second(s).</source>
        <translation>
            <numerusform>Trop de tentatives de connexion échouées : réessayez dans %n seconde.</numerusform>
            <numerusform>Trop de tentatives de connexion échouées : réessayez dans %n secondes.</numerusform>
        </translation>
    </message>
    <message>
        <source>Your Guichet account is locked</source>
        <translation>Votre compte Guichet est verrouillé</translation>
    </message>
    <message>
        <source>This account is deactivated: it can only be reactivated (&quot;Reactivate my account&quot;).</source>
        <translation>Ce compte est désactivé : il peut seulement être réactivé (« Réactiver mon compte »).</translation>
    </message>
    <message>
        <source>contact e-mail</source>
        <translation>adresse électronique de contact</translation>
    </message>
    <message>
        <source>contact e-mail (not a valid address)</source>
        <translation>adresse électronique de contact (adresse non valide)</translation>
    </message>
    <message>
        <source>The current password is not correct.</source>
        <translation>Le mot de passe actuel est incorrect.</translation>
    </message>
    <message>
        <source>The confirmation does not match the new password.</source>
        <translation>La confirmation ne correspond pas au nouveau mot de passe.</translation>
    </message>
    <message>
        <source>secret question</source>
        <translation>question secrète</translation>
    </message>
    <message>
        <source>answer to the secret question</source>
        <translation>réponse à la question secrète</translation>
    </message>
    <message>
        <source>The answer could not be protected (out of memory).</source>
        <translation>La réponse n&apos;a pas pu être protégée (mémoire insuffisante).</translation>
    </message>
    <message>
        <source>To receive notifications, give the contact e-mail they are sent to.</source>
        <translation>Pour recevoir des notifications, indiquez l&apos;adresse électronique de contact à laquelle elles sont envoyées.</translation>
    </message>
    <message>
        <source>The contact e-mail is not a valid address.</source>
        <translation>L&apos;adresse électronique de contact n&apos;est pas une adresse valide.</translation>
    </message>
    <message>
        <source>Designate a new principal manager for: %1.</source>
        <translation>Désignez un nouveau gestionnaire principal pour : %1.</translation>
    </message>
    <message>
        <source>If a deactivated account matches this address, a reactivation mail has been sent to it.</source>
        <translation>Si un compte désactivé correspond à cette adresse, un courriel de réactivation y a été envoyé.</translation>
    </message>
    <message>
        <source>new password</source>
        <translation>nouveau mot de passe</translation>
    </message>
    <message>
        <source>new secret question</source>
        <translation>nouvelle question secrète</translation>
    </message>
    <message>
        <source>This user does not exist.</source>
        <translation>Cet utilisateur n&apos;existe pas.</translation>
    </message>
    <message>
        <source>This account is active: there is nothing to reactivate.</source>
        <translation>Ce compte est actif : il n&apos;y a rien à réactiver.</translation>
    </message>
    <message>
        <source>No user has the e-mail %1.</source>
        <translation>Aucun utilisateur n&apos;a l&apos;adresse électronique %1.</translation>
    </message>
    <message>
        <source>current password</source>
        <translation>mot de passe actuel</translation>
    </message>
    <message>
        <source>confirmation of the new password</source>
        <translation>confirmation du nouveau mot de passe</translation>
    </message>
    <message>
        <source>Too many failed sign-ins: signing in to this account from here is locked until %1. Its owner can sign in from elsewhere, or here with the unlock code of the mail sent to the account&apos;s contact address.</source>
        <translation>Trop de tentatives de connexion échouées : la connexion à ce compte depuis cette adresse est verrouillée jusqu&apos;au %1. Son titulaire peut se connecter depuis un autre endroit, ou ici avec le code de déverrouillage du courriel envoyé à l&apos;adresse de contact du compte.</translation>
    </message>
    <message>
        <source>Hello %1,

After %2 failed sign-ins in a row from the address %3, signing in to your Guichet account from that address is locked until %4. Signing in from anywhere else still works.

If these attempts were yours and you cannot wait, sign in with your password and this unlock code (« Unlock code » in the sign-in window). It works once, until %5:
%6

If these attempts were not yours, nobody got in: the password was not found. Change it once signed in if you think someone knows it.</source>
        <translation>Bonjour %1,

À la suite de %2 tentatives de connexion échouées consécutives depuis l&apos;adresse %3, la connexion à votre compte Guichet depuis cette adresse est verrouillée jusqu&apos;au %4. La connexion depuis tout autre endroit fonctionne toujours.

Si ces tentatives venaient de vous et que vous ne pouvez pas attendre, connectez-vous avec votre mot de passe et ce code de déverrouillage (« Code de déverrouillage » dans la fenêtre de connexion). Il fonctionne une seule fois, jusqu&apos;au %5 :
%6

Si ces tentatives ne venaient pas de vous, personne n&apos;est entré : le mot de passe n&apos;a pas été trouvé. Changez-le une fois connecté si vous pensez que quelqu&apos;un le connaît.</translation>
    </message>
    <message>
        <source>This unlock code does not work (already used, expired, replaced or for another account). Sign in without it, or wait until the lock ends.</source>
        <translation>Ce code de déverrouillage ne fonctionne pas (déjà utilisé, expiré, remplacé ou destiné à un autre compte). Connectez-vous sans lui, ou attendez la fin du verrouillage.</translation>
    </message>
    <message>
        <source>The sign-in could not be read: %1</source>
        <translation>La connexion n&apos;a pas pu être lue : %1</translation>
    </message>
    <message>
        <source>Hello %1,

To reactivate your Guichet account, open this link:
%2

Reading this mail on another device? In Guichet, click &quot;Reactivate my account&quot;, then &quot;I already have a code&quot;, and paste this code:
%3

You will choose a new password, a new secret question and its answer. The link works once and until %4. If it has expired, ask for a new mail with &quot;Reactivate my account&quot;.

If you did not ask for this, ignore this mail: your account stays deactivated.</source>
        <translation>Bonjour %1,

Pour réactiver votre compte Guichet, ouvrez ce lien :
%2

Vous lisez ce courriel sur un autre appareil ? Dans Guichet, cliquez sur « Réactiver mon compte », puis sur « J&apos;ai déjà un code », et collez ce code :
%3

Vous choisirez un nouveau mot de passe, une nouvelle question secrète et sa réponse. Le lien n&apos;est utilisable qu&apos;une seule fois, jusqu&apos;au %4. S&apos;il a expiré, demandez un nouveau courriel via « Réactiver mon compte ».

Si vous n&apos;êtes pas à l&apos;origine de cette demande, ignorez ce courriel : votre compte reste désactivé.</translation>
    </message>
    <message>
        <source>This account is not activated yet: open the link of the activation mail, or ask for a new one (&quot;Create an account&quot;, then &quot;Resend the activation mail&quot;).</source>
        <translation>Ce compte n&apos;est pas encore activé : ouvrez le lien du mail d&apos;activation, ou demandez-en un nouveau (« Créer un compte », puis « Renvoyer le mail d&apos;activation »).</translation>
    </message>
    <message>
        <source>Hello %1,

Someone asked to reactivate your Guichet account %2. It was deactivated more than %3 days ago, so it can no longer be reactivated from the sign-in window: write to support (&quot;Write to support&quot; in the sign-in window), who can send you a reactivation link.

If it was not you, ignore this mail: nothing changed.</source>
        <translation>Bonjour %1,

Quelqu’un a demandé la réactivation de votre compte Guichet %2. Il a été désactivé il y a plus de %3 jours : il ne peut plus être réactivé depuis la fenêtre de connexion. Écrivez au support (« Écrire au support » dans la fenêtre de connexion), qui peut vous envoyer un lien de réactivation.

Si ce n’était pas vous, ignorez ce message : rien n’a changé.</translation>
    </message>
    <message>
        <source>Your Guichet account can no longer be reactivated by yourself</source>
        <translation>Votre compte Guichet ne peut plus être réactivé par vous-même</translation>
    </message>
</context>
<context>
    <name>guichet::ActivationDialog</name>
    <message>
        <source>&amp;Resend the activation mail</source>
        <translation>&amp;Renvoyer le mail d&apos;activation</translation>
    </message>
    <message>
        <source>Open the local &amp;outbox</source>
        <translation>Ouvrir la &amp;boîte d&apos;envoi locale</translation>
    </message>
    <message>
        <source>Activate my account</source>
        <translation>Activer mon compte</translation>
    </message>
    <message>
        <source>Paste the link or the code of the mail « Activate your Guichet account », then click &quot;Validate&quot;: your account becomes active and Guichet opens signed in.</source>
        <translation>Collez le lien ou le code du mail « Activez votre compte Guichet », puis cliquez sur « Valider » : votre compte devient actif et Guichet s&apos;ouvre connecté.</translation>
    </message>
    <message>
        <source>Link or code from the mail</source>
        <translation>Lien ou code du mail</translation>
    </message>
    <message>
        <source>guichet://activate?token=…</source>
        <translation>guichet://activate?token=…</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>Adresse électronique</translation>
    </message>
    <message>
        <source>name@example.org</source>
        <translation>nom@exemple.fr</translation>
    </message>
    <message>
        <source>&amp;Link or code from the mail:</source>
        <translation>&amp;Lien ou code du mail :</translation>
    </message>
    <message>
        <source>No mail, or the link expired? Give your address and ask for a new mail; only the newest one works.</source>
        <translation>Pas de mail, ou le lien a expiré ? Indiquez votre adresse et demandez un nouveau mail ; seul le plus récent fonctionne.</translation>
    </message>
    <message>
        <source>&amp;E-mail address:</source>
        <translation>&amp;Adresse électronique :</translation>
    </message>
    <message>
        <source>Standalone mode: the mails Guichet sent, such as the activation link.</source>
        <translation>Mode autonome : les mails envoyés par Guichet, comme le lien d&apos;activation.</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>The code of your link is filled in: click &quot;Validate&quot; to activate your account.</source>
        <translation>Le code de votre lien est rempli : cliquez sur « Valider » pour activer votre compte.</translation>
    </message>
    <message>
        <source>Complete this field: link or code from the mail.</source>
        <translation>Complétez ce champ : lien ou code du mail.</translation>
    </message>
    <message>
        <source>Complete this field: e-mail address.</source>
        <translation>Complétez ce champ : adresse électronique.</translation>
    </message>
    <message>
        <source>Complete your account</source>
        <translation>Compléter votre compte</translation>
    </message>
    <message>
        <source>You were invited: enter your name and choose a password (at least 12 characters, mixing 3 kinds of characters) and a secret question.</source>
        <translation>Vous avez été invité : saisissez votre nom et choisissez un mot de passe (au moins 12 caractères, mêlant 3 sortes de caractères) et une question secrète.</translation>
    </message>
    <message>
        <source>&amp;First name:</source>
        <translation>&amp;Prénom :</translation>
    </message>
    <message>
        <source>&amp;Last name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <source>&amp;Confirm the password:</source>
        <translation>&amp;Confirmer le mot de passe :</translation>
    </message>
    <message>
        <source>Secret &amp;question:</source>
        <translation>&amp;Question secrète :</translation>
    </message>
    <message>
        <source>&amp;Answer:</source>
        <translation>&amp;Réponse :</translation>
    </message>
    <message>
        <source>The password and its confirmation differ.</source>
        <translation>Le mot de passe et sa confirmation diffèrent.</translation>
    </message>
</context>
<context>
    <name>guichet::ApiServer</name>
    <message>
        <source>The parameter %1 is not valid.</source>
        <translation>Le paramètre %1 n’est pas valide.</translation>
    </message>
    <message>
        <source>The field %1 is missing.</source>
        <translation>Le champ %1 est manquant.</translation>
    </message>
    <message>
        <source>This user does not exist.</source>
        <translation>Cet utilisateur n&apos;existe pas.</translation>
    </message>
    <message>
        <source>This file does not exist.</source>
        <translation>Ce fichier n’existe pas.</translation>
    </message>
    <message>
        <source>This address does not accept %1.</source>
        <translation>Cette adresse n’accepte pas %1.</translation>
    </message>
    <message>
        <source>There is nothing at this address.</source>
        <translation>Il n’y a rien à cette adresse.</translation>
    </message>
    <message>
        <source>The request body must be a JSON object.</source>
        <translation>Le corps de la requête doit être un objet JSON.</translation>
    </message>
    <message>
        <source>Unknown command: %1.</source>
        <translation>Commande inconnue : %1.</translation>
    </message>
    <message>
        <source>The body must be {&quot;commandId&quot;: text, &quot;args&quot;: object}.</source>
        <translation>Le corps doit être {&quot;commandId&quot;: texte, &quot;args&quot;: objet}.</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>Connectez-vous d’abord.</translation>
    </message>
    <message>
        <source>The session is over (expired, signed out or revoked): sign in again.</source>
        <translation>La session est terminée (expirée, fermée ou révoquée) : connectez-vous à nouveau.</translation>
    </message>
    <message>
        <source>Internal error, request id %1.</source>
        <translation>Erreur interne, identifiant de la requête %1.</translation>
    </message>
    <message>
        <source>The request body must be sent as application/json.</source>
        <translation>Le corps de la requête doit être envoyé en application/json.</translation>
    </message>
    <message numerus="yes">
        <source>Too many requests from your address: try again in %n second(s).</source>
        <translation>
            <numerusform>Trop de requêtes depuis votre adresse : réessayez dans %n seconde.</numerusform>
            <numerusform>Trop de requêtes depuis votre adresse : réessayez dans %n secondes.</numerusform>
        </translation>
    </message>
    <message>
        <source>The field %1 must be text.</source>
        <translation>Le champ %1 doit être un texte.</translation>
    </message>
    <message>
        <source>Too many sign-ins at the moment; try again shortly.</source>
        <translation>Trop de connexions en ce moment ; réessayez dans un instant.</translation>
    </message>
</context>
<context>
    <name>guichet::AttachToStructuresDialog</name>
    <message>
        <source>&amp;Until</source>
        <translation>&amp;Jusqu’au</translation>
    </message>
    <message>
        <source>Attach to several structures</source>
        <translation>Rattacher à plusieurs structures</translation>
    </message>
    <message>
        <source>Structures</source>
        <translation>Structures</translation>
    </message>
    <message>
        <source>&amp;Structures:</source>
        <translation>&amp;Structures :</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rôle :</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Du :</translation>
    </message>
    <message>
        <source>&amp;Attach</source>
        <translation>R&amp;attacher</translation>
    </message>
    <message>
        <source>Attach %1 to each structure checked, for the whole structure or for the services checked for it below. If one of them cannot take the attachment, nothing is attached.</source>
        <translation>Rattacher %1 à chaque structure cochée, pour toute la structure ou pour les services cochés pour elle ci-dessous. Si l’une d’elles ne peut pas recevoir le rattachement, rien n’est rattaché.</translation>
    </message>
    <message>
        <source>Services of the selected structure</source>
        <translation>Services de la structure sélectionnée</translation>
    </message>
    <message>
        <source>None checked: the whole structure.</source>
        <translation>Aucun coché : toute la structure.</translation>
    </message>
    <message>
        <source>Ser&amp;vices:</source>
        <translation>Ser&amp;vices :</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>guichet::AttachUserDialog</name>
    <message>
        <source>Attach a user</source>
        <translation>Rattacher un utilisateur</translation>
    </message>
    <message>
        <source>&amp;Until</source>
        <translation>&amp;Jusqu’au</translation>
    </message>
    <message>
        <source>Attach to the &amp;whole structure</source>
        <translation>Rattacher à &amp;toute la structure</translation>
    </message>
    <message>
        <source>Attach %1 to the structure, with this role, from this date.</source>
        <translation>Rattacher %1 à la structure, avec ce rôle, à partir de cette date.</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rôle :</translation>
    </message>
    <message>
        <source>&amp;From:</source>
        <translation>&amp;Du :</translation>
    </message>
    <message>
        <source>Ser&amp;vices:</source>
        <translation>Ser&amp;vices :</translation>
    </message>
    <message>
        <source>&amp;Attach</source>
        <translation>R&amp;attacher</translation>
    </message>
</context>
<context>
    <name>guichet::AttachedFileDialog</name>
    <message>
        <source>&amp;Browse…</source>
        <translation>&amp;Parcourir…</translation>
    </message>
    <message>
        <source>Edit an attached file</source>
        <translation>Éditer une pièce jointe</translation>
    </message>
    <message>
        <source>Manage attached files</source>
        <translation>Gérer pièces jointes</translation>
    </message>
    <message>
        <source>Change the designation or the type; browse only to replace the file itself (%1 MB at most).</source>
        <translation>Modifiez la désignation ou le type ; utilisez « Parcourir » seulement pour remplacer le fichier lui-même (%1 Mo au maximum).</translation>
    </message>
    <message>
        <source>Choose a file on your computer (%1 MB at most), name it and choose its type.</source>
        <translation>Choisissez un fichier sur votre ordinateur (%1 Mo au maximum), nommez-le et choisissez son type.</translation>
    </message>
    <message>
        <source>Replacement file</source>
        <translation>Fichier de remplacement</translation>
    </message>
    <message>
        <source>File (required)</source>
        <translation>Fichier (obligatoire)</translation>
    </message>
    <message>
        <source>No file chosen</source>
        <translation>Aucun fichier choisi</translation>
    </message>
    <message>
        <source>Designation (required)</source>
        <translation>Désignation (obligatoire)</translation>
    </message>
    <message>
        <source>Type of attached file (required)</source>
        <translation>Type de pièce jointe (obligatoire)</translation>
    </message>
    <message>
        <source>Choose a type</source>
        <translation>Choisissez un type</translation>
    </message>
    <message>
        <source>&amp;Replace the file</source>
        <translation>&amp;Remplacer le fichier</translation>
    </message>
    <message>
        <source>&amp;File *</source>
        <translation>&amp;Fichier *</translation>
    </message>
    <message>
        <source>&amp;Designation *</source>
        <translation>&amp;Désignation *</translation>
    </message>
    <message>
        <source>&amp;Type *</source>
        <translation>&amp;Type *</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation>&amp;Ajouter</translation>
    </message>
    <message>
        <source>Choose the file to attach</source>
        <translation>Choisir le fichier à joindre</translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
    <message>
        <source>Cannot read &apos;%1&apos;: %2</source>
        <translation>Impossible de lire « %1 » : %2</translation>
    </message>
    <message>
        <source>Choose the file to attach with « Browse ».</source>
        <translation>Choisissez le fichier à joindre avec « Parcourir ».</translation>
    </message>
</context>
<context>
    <name>guichet::AttachedFileModel</name>
    <message>
        <source>Designation</source>
        <translation>Désignation</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>Nom du fichier</translation>
    </message>
    <message>
        <source>Size</source>
        <translation>Taille</translation>
    </message>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
</context>
<context>
    <name>guichet::AttachedFiles</name>
    <message>
        <source>Supporting document</source>
        <translation>Pièce justificative</translation>
    </message>
    <message>
        <source>Vehicle registration</source>
        <translation>Carte grise</translation>
    </message>
    <message>
        <source>Brochure</source>
        <translation>Brochure</translation>
    </message>
    <message>
        <source>Purchase order</source>
        <translation>Bon de commande</translation>
    </message>
    <message>
        <source>Contract</source>
        <translation>Contrat</translation>
    </message>
    <message>
        <source>Quote</source>
        <translation>Devis</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autre</translation>
    </message>
    <message>
        <source>Designation is required.</source>
        <translation>La désignation est obligatoire.</translation>
    </message>
    <message>
        <source>Designation is too long: %1 characters at most.</source>
        <translation>La désignation est trop longue : %1 caractères au maximum.</translation>
    </message>
    <message>
        <source>File type is required.</source>
        <translation>Le type de pièce jointe est obligatoire.</translation>
    </message>
    <message>
        <source>File type &apos;%1&apos; is not in the list of file types.</source>
        <translation>Le type « %1 » ne figure pas dans la liste des types de pièce jointe.</translation>
    </message>
    <message>
        <source>Select at least one file.</source>
        <translation>Sélectionnez au moins une pièce jointe.</translation>
    </message>
    <message>
        <source>File %1 does not exist.</source>
        <translation>La pièce jointe %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>Only the owner of a file may do this.</source>
        <translation>Seul le propriétaire d&apos;une pièce jointe peut effectuer cette action.</translation>
    </message>
    <message>
        <source>The stored file &apos;%1&apos; is damaged: its content no longer matches its checksum.</source>
        <translation>Le fichier enregistré « %1 » est endommagé : son contenu ne correspond plus à sa somme de contrôle.</translation>
    </message>
    <message>
        <source>The file is empty: choose a file with content.</source>
        <translation>Le fichier est vide : choisissez un fichier non vide.</translation>
    </message>
    <message>
        <source>The file is too large: %1 MB at most.</source>
        <translation>Le fichier est trop volumineux : %1 Mo au maximum.</translation>
    </message>
    <message>
        <source>designation</source>
        <translation>désignation</translation>
    </message>
    <message>
        <source>file type</source>
        <translation>type de pièce jointe</translation>
    </message>
    <message>
        <source>file</source>
        <translation>fichier</translation>
    </message>
    <message>
        <source>Required fields are missing: %1.</source>
        <translation>Des champs obligatoires ne sont pas renseignés : %1.</translation>
    </message>
    <message>
        <source>The folder &apos;%1&apos; does not exist.</source>
        <translation>Le dossier « %1 » n&apos;existe pas.</translation>
    </message>
    <message>
        <source>Cannot write &apos;%1&apos;: %2</source>
        <translation>Impossible d&apos;écrire « %1 » : %2</translation>
    </message>
    <message>
        <source>Cannot find a free name for &apos;%1&apos; in the folder.</source>
        <translation>Impossible de trouver un nom libre pour « %1 » dans le dossier.</translation>
    </message>
</context>
<context>
    <name>guichet::AttachedFilesSection</name>
    <message>
        <source>&amp;Edit…</source>
        <translation>&amp;Éditer…</translation>
    </message>
    <message>
        <source>Down&amp;load…</source>
        <translation>&amp;Télécharger…</translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>Download the chec&amp;ked files…</source>
        <translation>Télécharger les pièces jointes c&amp;ochées…</translation>
    </message>
    <message>
        <source>Delete the c&amp;hecked files</source>
        <translation>Supprimer les pièces jointes &amp;cochées</translation>
    </message>
    <message>
        <source>&amp;Manage attached files…</source>
        <translation>&amp;Gérer pièces jointes…</translation>
    </message>
    <message>
        <source>My attached files</source>
        <translation>Mes pièces jointes</translation>
    </message>
    <message>
        <source>Files kept in your account to attach quickly to an invoice, such as supporting documents (a vehicle registration for travel expenses, brochures…); %1 MB at most each.</source>
        <translation>Fichiers conservés dans votre compte pour les joindre rapidement à une facture, comme des pièces justificatives (une carte grise en cas de frais de déplacement, des brochures…) ; %1 Mo au maximum chacun.</translation>
    </message>
    <message>
        <source>Edit this file…</source>
        <translation>Éditer cette pièce jointe…</translation>
    </message>
    <message>
        <source>Download this file…</source>
        <translation>Télécharger cette pièce jointe…</translation>
    </message>
    <message>
        <source>Delete this file</source>
        <translation>Supprimer cette pièce jointe</translation>
    </message>
    <message>
        <source>Download the checked files…</source>
        <translation>Télécharger les pièces jointes cochées…</translation>
    </message>
    <message>
        <source>Delete the checked files</source>
        <translation>Supprimer les pièces jointes cochées</translation>
    </message>
    <message>
        <source>Edit the selected file</source>
        <translation>Éditer la pièce jointe sélectionnée</translation>
    </message>
    <message>
        <source>Download the selected file</source>
        <translation>Télécharger la pièce jointe sélectionnée</translation>
    </message>
    <message>
        <source>Delete the selected file</source>
        <translation>Supprimer la pièce jointe sélectionnée</translation>
    </message>
    <message>
        <source>The file « %1 » was added.</source>
        <translation>La pièce jointe « %1 » a été ajoutée.</translation>
    </message>
    <message>
        <source>The file « %1 » was saved.</source>
        <translation>La pièce jointe « %1 » a été enregistrée.</translation>
    </message>
    <message>
        <source>Download the attached file</source>
        <translation>Télécharger la pièce jointe</translation>
    </message>
    <message>
        <source>Cannot write &apos;%1&apos;: %2</source>
        <translation>Impossible d&apos;écrire « %1 » : %2</translation>
    </message>
    <message>
        <source>Written: %1</source>
        <translation>Enregistré : %1</translation>
    </message>
    <message>
        <source>Tick the files to download in the « Selection » column first.</source>
        <translation>Cochez d&apos;abord les pièces jointes à télécharger dans la colonne « Sélection ».</translation>
    </message>
    <message>
        <source>Download the checked files into</source>
        <translation>Télécharger les pièces jointes cochées dans</translation>
    </message>
    <message>
        <source>Downloading the checked files…</source>
        <translation>Téléchargement des pièces jointes cochées…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) written:</source>
        <translation>
            <numerusform>%n fichier enregistré :</numerusform>
            <numerusform>%n fichiers enregistrés :</numerusform>
        </translation>
    </message>
    <message>
        <source>Tick the files to delete in the « Selection » column first.</source>
        <translation>Cochez d&apos;abord les pièces jointes à supprimer dans la colonne « Sélection ».</translation>
    </message>
    <message>
        <source>Delete attached files</source>
        <translation>Supprimer des pièces jointes</translation>
    </message>
    <message numerus="yes">
        <source>%n file(s) deleted.</source>
        <translation>
            <numerusform>%n pièce jointe supprimée.</numerusform>
            <numerusform>%n pièces jointes supprimées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Cannot find a free name for &apos;%1&apos; in the folder.</source>
        <translation>Impossible de trouver un nom libre pour « %1 » dans le dossier.</translation>
    </message>
    <message>
        <source>Downloading « %1 »…</source>
        <translation>Téléchargement de « %1 »…</translation>
    </message>
    <message>
        <source>No file is attached to your account. Manage attached files to add one.</source>
        <translation>Aucune pièce jointe à votre compte. Gérez les pièces jointes pour en ajouter une.</translation>
    </message>
    <message>
        <source>Cannot write « %1 »: %2</source>
        <translation>Impossible d’écrire « %1 » : %2</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n attached file(s)?
%1</source>
        <translation>
            <numerusform>Supprimer %n pièce jointe ?
%1</numerusform>
            <numerusform>Supprimer ces %n pièces jointes ?
%1</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::AttachmentModel</name>
    <message>
        <source>Company name</source>
        <translation>Raison sociale</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Validity</source>
        <translation>Validité</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
</context>
<context>
    <name>guichet::AttachmentRequestDialog</name>
    <message>
        <source>&amp;No end date</source>
        <translation>&amp;Sans date de fin</translation>
    </message>
    <message>
        <source>&amp;Attach to the whole structure</source>
        <translation>&amp;Rattacher à la structure</translation>
    </message>
    <message>
        <source>Only the services &amp;checked below</source>
        <translation>Uniquement les services &amp;cochés ci-dessous</translation>
    </message>
    <message>
        <source>List of services</source>
        <translation>Liste des services</translation>
    </message>
    <message>
        <source>Request an attachment</source>
        <translation>Demander un rattachement</translation>
    </message>
    <message>
        <source>Start of validity</source>
        <translation>Début de validité</translation>
    </message>
    <message>
        <source>End of validity</source>
        <translation>Fin de validité</translation>
    </message>
    <message>
        <source>&amp;Start of validity:</source>
        <translation>&amp;Début de validité :</translation>
    </message>
    <message>
        <source>&amp;End of validity:</source>
        <translation>&amp;Fin de validité :</translation>
    </message>
    <message>
        <source>This structure has no active service.</source>
        <translation>Cette structure n&apos;a aucun service actif.</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>Enter the exact dates: they decide when you may act for the structure. The principal manager of the structure validates the request (support, for a structure that has none).</source>
        <translation>Saisissez les dates exactes : elles déterminent quand vous pourrez agir pour la structure. Le gestionnaire principal de la structure valide la demande (le support, pour une structure qui n’en a pas).</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt; (%2)</source>
        <translation>&lt;b&gt;%1&lt;/b&gt; (%2)</translation>
    </message>
</context>
<context>
    <name>guichet::Attachments</name>
    <message>
        <source>Choose the structure.</source>
        <translation>Choisissez la structure.</translation>
    </message>
    <message>
        <source>The structure was not found.</source>
        <translation>La structure est introuvable.</translation>
    </message>
    <message>
        <source>Enter the start of validity.</source>
        <translation>Saisissez la date de début de validité.</translation>
    </message>
    <message>
        <source>The end of validity must be after its start.</source>
        <translation>La date de fin de validité doit être postérieure à la date de début de validité.</translation>
    </message>
    <message>
        <source>Choose « Attach to the structure » or check at least one service.</source>
        <translation>Choisissez « Rattacher à la structure » ou cochez au moins un service.</translation>
    </message>
    <message>
        <source>The service %1 does not belong to %2.</source>
        <translation>Le service %1 n&apos;appartient pas à %2.</translation>
    </message>
    <message>
        <source>The service %1 of %2 is no longer active.</source>
        <translation>Le service %1 de %2 n&apos;est plus actif.</translation>
    </message>
    <message>
        <source>You are already attached to %1 or your request is waiting.</source>
        <translation>Vous êtes déjà rattaché à %1 ou votre demande est en attente.</translation>
    </message>
    <message>
        <source>An attachment request waits for you</source>
        <translation>Une demande de rattachement attend votre décision</translation>
    </message>
    <message>
        <source>%1 %2 asks to be attached to %3 (SIRET %4). Open Guichet to validate or refuse the request.</source>
        <translation>%1 %2 demande à être rattaché à %3 (SIRET %4). Ouvrez Guichet pour valider ou refuser la demande.</translation>
    </message>
    <message>
        <source>The attachment request %1 was not found.</source>
        <translation>La demande de rattachement %1 est introuvable.</translation>
    </message>
    <message>
        <source>The request of %1 was already decided.</source>
        <translation>La demande de %1 a déjà été traitée.</translation>
    </message>
    <message>
        <source>%1 already has a principal manager.</source>
        <translation>%1 a déjà un gestionnaire principal.</translation>
    </message>
    <message>
        <source>Your attachment request to %1 (SIRET %2) was validated.</source>
        <translation>Votre demande de rattachement à %1 (SIRET %2) a été validée.</translation>
    </message>
    <message>
        <source>Your attachment request to %1 (SIRET %2) was refused.</source>
        <translation>Votre demande de rattachement à %1 (SIRET %2) a été refusée.</translation>
    </message>
    <message>
        <source>Comment: %1</source>
        <translation>Commentaire : %1</translation>
    </message>
    <message>
        <source>Attachment request validated</source>
        <translation>Demande de rattachement validée</translation>
    </message>
    <message>
        <source>Attachment request refused</source>
        <translation>Demande de rattachement refusée</translation>
    </message>
    <message>
        <source>Check at least one request.</source>
        <translation>Cochez au moins une demande.</translation>
    </message>
    <message>
        <source>The attachment %1 was not found.</source>
        <translation>Le rattachement %1 est introuvable.</translation>
    </message>
    <message>
        <source>Choose the new principal manager of %1 (SIRET %2).</source>
        <translation>Choisissez le nouveau gestionnaire principal de %1 (SIRET %2).</translation>
    </message>
    <message>
        <source>You are now the principal manager of %1 (SIRET %2).</source>
        <translation>Vous êtes désormais le gestionnaire principal de %1 (SIRET %2).</translation>
    </message>
    <message>
        <source>You are now principal manager</source>
        <translation>Vous êtes désormais gestionnaire principal</translation>
    </message>
    <message>
        <source>Attachment removed</source>
        <translation>Rattachement supprimé</translation>
    </message>
    <message>
        <source>Your attachment to %1 (SIRET %2) was removed by a manager.</source>
        <translation>Votre rattachement à %1 (SIRET %2) a été supprimé par un gestionnaire.</translation>
    </message>
    <message>
        <source>Check at least one attachment.</source>
        <translation>Cochez au moins un rattachement.</translation>
    </message>
    <message>
        <source>A structure cannot be left without a principal manager.</source>
        <translation>Une structure ne peut pas rester sans gestionnaire principal.</translation>
    </message>
    <message>
        <source>Only the principal manager may give secondary managers the principal&apos;s powers.</source>
        <translation>Seul le gestionnaire principal peut accorder aux gestionnaires secondaires les pouvoirs du gestionnaire principal.</translation>
    </message>
    <message>
        <source>The attachment was not found.</source>
        <translation>Le rattachement est introuvable.</translation>
    </message>
    <message>
        <source>A user can be made a secondary manager or a simple user; the principal manager&apos;s role is transferred, not given.</source>
        <translation>Un utilisateur peut être nommé gestionnaire secondaire ou utilisateur simple ; le rôle de gestionnaire principal se transfère, il ne s&apos;attribue pas.</translation>
    </message>
    <message>
        <source>The principal manager&apos;s role changes only by designating a new principal manager.</source>
        <translation>Le rôle de gestionnaire principal ne change que par la désignation d&apos;un nouveau gestionnaire principal.</translation>
    </message>
    <message>
        <source>Only a validated attachment can change role.</source>
        <translation>Seul un rattachement validé peut changer de rôle.</translation>
    </message>
</context>
<context>
    <name>guichet::AttachmentsSection</name>
    <message>
        <source>C&amp;onsult / modify the structure</source>
        <translation>&amp;Consulter / modifier la structure</translation>
    </message>
    <message>
        <source>&amp;Open the attachment request</source>
        <translation>&amp;Accéder à la demande de rattachement</translation>
    </message>
    <message>
        <source>&amp;Delete this attachment</source>
        <translation>&amp;Supprimer ce rattachement</translation>
    </message>
    <message>
        <source>&amp;Request an attachment</source>
        <translation>&amp;Demander un rattachement</translation>
    </message>
    <message>
        <source>Delete the c&amp;hecked attachments</source>
        <translation>Supprimer les &amp;rattachements cochés</translation>
    </message>
    <message>
        <source>The structures you are attached to or waiting for. Each structure&apos;s principal manager validates the requests of its users.</source>
        <translation>Les structures auxquelles vous êtes rattaché ou en cours de rattachement. Le gestionnaire principal de chaque structure valide les demandes de ses utilisateurs.</translation>
    </message>
    <message>
        <source>My attachments to structures</source>
        <translation>Mes rattachements aux structures</translation>
    </message>
    <message>
        <source>Consult / modify the structure</source>
        <translation>Consulter / modifier la structure</translation>
    </message>
    <message>
        <source>Open the attachment request</source>
        <translation>Accéder à la demande de rattachement</translation>
    </message>
    <message>
        <source>Delete this attachment</source>
        <translation>Supprimer ce rattachement</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>Decision comment: %1</source>
        <translation>Commentaire de la décision : %1</translation>
    </message>
    <message>
        <source>Attachment request</source>
        <translation>Demande de rattachement</translation>
    </message>
    <message>
        <source>Delete attachments</source>
        <translation>Supprimer rattachements</translation>
    </message>
    <message>
        <source>Delete your attachment to these structures?
%1</source>
        <translation>Supprimer votre rattachement à ces structures ?
%1</translation>
    </message>
    <message numerus="yes">
        <source>You are the principal manager of %n of them: you will designate a new principal manager and stay attached as a simple user.</source>
        <translation>
            <numerusform>Vous êtes gestionnaire principal de %n d&apos;entre elles : vous désignerez un nouveau gestionnaire principal et resterez rattaché en tant qu&apos;utilisateur simple.</numerusform>
            <numerusform>Vous êtes gestionnaire principal de %n d&apos;entre elles : vous désignerez un nouveau gestionnaire principal pour chacune et resterez rattaché en tant qu&apos;utilisateur simple.</numerusform>
        </translation>
    </message>
    <message>
        <source>Your request was sent to the principal manager of %1. It stays awaiting validation until they decide.</source>
        <translation>Votre demande a été adressée au gestionnaire principal de %1. Elle reste en cours de validation jusqu&apos;à sa décision.</translation>
    </message>
    <message>
        <source>You are attached to no structure. Request an attachment.</source>
        <translation>Vous n’êtes rattaché à aucune structure. Demandez un rattachement.</translation>
    </message>
    <message>
        <source>Tick the attachments to delete in the « Selection » column first.</source>
        <translation>Cochez d’abord les rattachements à supprimer dans la colonne « Sélection ».</translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s) deleted.</source>
        <translation>
            <numerusform>%n rattachement supprimé.</numerusform>
            <numerusform>%n rattachements supprimés.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 has no principal manager: your request was sent to support, who decides it. If validated, you become its principal manager.</source>
        <translation>%1 n’a pas de gestionnaire principal : votre demande a été adressée au support, qui la traite. Si elle est validée, vous en devenez le gestionnaire principal.</translation>
    </message>
    <message>
        <source>Structure: %1 (%2)
Role: %3
Start of validity: %4
End of validity: %5
Services: %6
Status: %7</source>
        <translation>Structure : %1 (%2)
Rôle : %3
Début de validité : %4
Fin de validité : %5
Services : %6
Statut : %7</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>guichet::AuditEntryModel</name>
    <message>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Action</translation>
    </message>
</context>
<context>
    <name>guichet::AuditLog</name>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>When</source>
        <translation>Quand</translation>
    </message>
    <message>
        <source>Who</source>
        <translation>Qui</translation>
    </message>
    <message>
        <source>Kind of action</source>
        <translation>Type d&apos;action</translation>
    </message>
    <message>
        <source>What happened</source>
        <translation>Action</translation>
    </message>
</context>
<context>
    <name>guichet::AuditRenderer</name>
    <message>
        <source>a deleted account</source>
        <translation>un compte supprimé</translation>
    </message>
    <message>
        <source>the system</source>
        <translation>le système</translation>
    </message>
    <message>
        <source>an account without a name</source>
        <translation>un compte sans nom</translation>
    </message>
    <message>
        <source>a deleted structure</source>
        <translation>une structure supprimée</translation>
    </message>
    <message>
        <source>a space no longer in the catalogue</source>
        <translation>un espace retiré du catalogue</translation>
    </message>
    <message>
        <source>principal manager</source>
        <translation>gestionnaire principal</translation>
    </message>
    <message>
        <source>secondary manager</source>
        <translation>gestionnaire secondaire</translation>
    </message>
    <message>
        <source>simple user</source>
        <translation>utilisateur simple</translation>
    </message>
    <message>
        <source>consultation</source>
        <translation>consultation</translation>
    </message>
    <message>
        <source>modification</source>
        <translation>modification</translation>
    </message>
    <message>
        <source>whole structure</source>
        <translation>toute la structure</translation>
    </message>
    <message>
        <source>a deleted service</source>
        <translation>un service supprimé</translation>
    </message>
    <message>
        <source>services: %1</source>
        <translation>services : %1</translation>
    </message>
    <message>
        <source>from %1 to %2</source>
        <translation>du %1 au %2</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>à partir du %1</translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation>Comptes</translation>
    </message>
    <message>
        <source>Sign-ins</source>
        <translation>Connexions</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Rattachements</translation>
    </message>
    <message>
        <source>Structures, services and spaces</source>
        <translation>Structures, services et espaces</translation>
    </message>
    <message>
        <source>Subscriptions</source>
        <translation>Abonnements</translation>
    </message>
    <message>
        <source>Attached files</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Solicitations</source>
        <translation>Sollicitations</translation>
    </message>
    <message>
        <source>%1 (from the address %2)</source>
        <translation>%1 (depuis l’adresse %2)</translation>
    </message>
    <message>
        <source>%1 — comment: %2</source>
        <translation>%1 — commentaire : %2</translation>
    </message>
    <message>
        <source>The system</source>
        <translation>Le système</translation>
    </message>
    <message>
        <source>%1 changed an attachment to %2.</source>
        <translation>%1 a modifié un rattachement à %2.</translation>
    </message>
    <message>
        <source>%1 changed a subscription on %2.</source>
        <translation>%1 a modifié un abonnement sur %2.</translation>
    </message>
    <message>
        <source>%1 changed the structure %2.</source>
        <translation>%1 a modifié la structure %2.</translation>
    </message>
    <message>
        <source>%1 changed structures.</source>
        <translation>%1 a modifié des structures.</translation>
    </message>
    <message>
        <source>%1 changed an attached file.</source>
        <translation>%1 a modifié une pièce jointe.</translation>
    </message>
    <message>
        <source>%1 changed a solicitation.</source>
        <translation>%1 a modifié une sollicitation.</translation>
    </message>
    <message>
        <source>%1 changed an account.</source>
        <translation>%1 a modifié un compte.</translation>
    </message>
    <message>
        <source>The support account of %1 (%2) was created.</source>
        <translation>Le compte support de %1 (%2) a été créé.</translation>
    </message>
    <message>
        <source>The account of %1 (%2) was created.</source>
        <translation>Le compte de %1 (%2) a été créé.</translation>
    </message>
    <message>
        <source>%1 updated their personal information.</source>
        <translation>%1 a modifié ses informations personnelles.</translation>
    </message>
    <message>
        <source>%1 changed their password.</source>
        <translation>%1 a changé son mot de passe.</translation>
    </message>
    <message>
        <source>%1 changed their secret question.</source>
        <translation>%1 a changé sa question secrète.</translation>
    </message>
    <message>
        <source>%1 turned notifications on.</source>
        <translation>%1 a activé les notifications.</translation>
    </message>
    <message>
        <source>%1 turned notifications off.</source>
        <translation>%1 a désactivé les notifications.</translation>
    </message>
    <message>
        <source>%1 deactivated their account.</source>
        <translation>%1 a désactivé son compte.</translation>
    </message>
    <message>
        <source>A reactivation link was sent to %1, valid until %2.</source>
        <translation>Un lien de réactivation a été envoyé à %1, valable jusqu&apos;au %2.</translation>
    </message>
    <message>
        <source>An operator sent %1 a reactivation link, valid until %2.</source>
        <translation>Un exploitant a envoyé à %1 un lien de réactivation, valable jusqu&apos;au %2.</translation>
    </message>
    <message>
        <source>%1 (support) sent %2 a reactivation link, valid until %3.</source>
        <translation>%1 (support) a envoyé à %2 un lien de réactivation, valable jusqu&apos;au %3.</translation>
    </message>
    <message>
        <source>%1 reactivated their account.</source>
        <translation>%1 a réactivé son compte.</translation>
    </message>
    <message>
        <source>%1 copied the rights of %2 to %3 (%4, %5).</source>
        <translation>%1 a copié les droits de %2 vers %3 (%4, %5).</translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s)</source>
        <translation>
            <numerusform>%n rattachement</numerusform>
            <numerusform>%n rattachements</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n subscription(s)</source>
        <translation>
            <numerusform>%n abonnement</numerusform>
            <numerusform>%n abonnements</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 signed in.</source>
        <translation>%1 s&apos;est connecté.</translation>
    </message>
    <message>
        <source>%1 signed out.</source>
        <translation>%1 s&apos;est déconnecté.</translation>
    </message>
    <message>
        <source>Failed sign-in with an unknown e-mail: %1.</source>
        <translation>Échec de connexion avec une adresse électronique inconnue : %1.</translation>
    </message>
    <message numerus="yes">
        <source>Failed sign-in of %1: wrong password (%n in a row).</source>
        <translation>
            <numerusform>Échec de connexion de %1 : mot de passe erroné (%n fois de suite).</numerusform>
            <numerusform>Échec de connexion de %1 : mot de passe erroné (%n fois de suite).</numerusform>
        </translation>
    </message>
    <message>
        <source>Sign-in of %1 refused after repeated failures; next try from %2.</source>
        <translation>Connexion de %1 refusée après des échecs répétés ; prochain essai possible à partir du %2.</translation>
    </message>
    <message>
        <source>Sign-in of %1 refused: the account is locked until %2.</source>
        <translation>Connexion de %1 refusée : le compte est verrouillé jusqu&apos;au %2.</translation>
    </message>
    <message>
        <source>Sign-in of %1 refused: the account is deactivated.</source>
        <translation>Connexion de %1 refusée : le compte est désactivé.</translation>
    </message>
    <message numerus="yes">
        <source>The account of %1 was locked until %2 after %n failed sign-in(s).</source>
        <translation>
            <numerusform>Le compte de %1 a été verrouillé jusqu&apos;au %2 après %n échec de connexion.</numerusform>
            <numerusform>Le compte de %1 a été verrouillé jusqu&apos;au %2 après %n échecs de connexion.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 signed in with the unlock code of the lockout mail: the locks on the account were lifted.</source>
        <translation>%1 s’est connecté avec le code de déblocage du courriel de verrouillage : les verrous du compte ont été levés.</translation>
    </message>
    <message>
        <source>%1 requested attachment to %2 as %3 (%4, %5).</source>
        <translation>%1 a demandé son rattachement à %2 avec le rôle %3 (%4, %5).</translation>
    </message>
    <message>
        <source>%1 validated the attachment request of %2 to %3.</source>
        <translation>%1 a validé la demande de rattachement de %2 à %3.</translation>
    </message>
    <message>
        <source>%1 refused the attachment request of %2 to %3.</source>
        <translation>%1 a refusé la demande de rattachement de %2 à %3.</translation>
    </message>
    <message>
        <source>The attachment request of %1 to %2 was cancelled: the account was deactivated.</source>
        <translation>La demande de rattachement de %1 à %2 a été annulée : le compte a été désactivé.</translation>
    </message>
    <message>
        <source>%1 removed their attachment to %2.</source>
        <translation>%1 a supprimé son rattachement à %2.</translation>
    </message>
    <message>
        <source>%1 removed the attachment of %2 to %3.</source>
        <translation>%1 a supprimé le rattachement de %2 à %3.</translation>
    </message>
    <message>
        <source>%1 made %2 %3 of %4.</source>
        <translation>%1 a nommé %2 %3 de %4.</translation>
    </message>
    <message>
        <source>%1 set the end of the attachment of %2 to %3 on %4.</source>
        <translation>%1 a fixé la fin du rattachement de %2 à %3 au %4.</translation>
    </message>
    <message>
        <source>%1 attached %2 to %3 as %4 (%5, %6).</source>
        <translation>%1 a rattaché %2 à %3 avec le rôle %4 (%5, %6).</translation>
    </message>
    <message>
        <source>%1 attached %2 to %3 as %4, copying the rights of %5.</source>
        <translation>%1 a rattaché %2 à %3 avec le rôle %4, en copiant les droits de %5.</translation>
    </message>
    <message>
        <source>%1 designated %2 principal manager of %3, succeeding %4.</source>
        <translation>%1 a désigné %2 gestionnaire principal de %3, en remplacement de %4.</translation>
    </message>
    <message>
        <source>%1 designated %2 principal manager of %3.</source>
        <translation>%1 a désigné %2 gestionnaire principal de %3.</translation>
    </message>
    <message>
        <source>%1 is the principal manager of %2, which they created.</source>
        <translation>%1 est le gestionnaire principal de %2, structure qu&apos;il a créée.</translation>
    </message>
    <message>
        <source>%1 created the structure %2 (SIRET %3).</source>
        <translation>%1 a créé la structure %2 (SIRET %3).</translation>
    </message>
    <message>
        <source>%1 updated the structure record of %2 (SIRET %3).</source>
        <translation>%1 a modifié la fiche structure de %2 (SIRET %3).</translation>
    </message>
    <message>
        <source>The structure %1 (SIRET %2) was imported.</source>
        <translation>La structure %1 (SIRET %2) a été importée.</translation>
    </message>
    <message numerus="yes">
        <source>%n structure(s) generated for measurements.</source>
        <translation>
            <numerusform>%n structure générée pour les mesures.</numerusform>
            <numerusform>%n structures générées pour les mesures.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 gave the secondary managers of %2 the principal manager&apos;s powers.</source>
        <translation>%1 a donné aux gestionnaires secondaires de %2 les pouvoirs du gestionnaire principal.</translation>
    </message>
    <message>
        <source>%1 withdrew the principal manager&apos;s powers from the secondary managers of %2.</source>
        <translation>%1 a retiré aux gestionnaires secondaires de %2 les pouvoirs du gestionnaire principal.</translation>
    </message>
    <message>
        <source>%1 added the service %2 (code %3) to %4.</source>
        <translation>%1 a ajouté le service %2 (code %3) à %4.</translation>
    </message>
    <message>
        <source>%1 reactivated the service %2 of %3.</source>
        <translation>%1 a réactivé le service %2 de %3.</translation>
    </message>
    <message>
        <source>%1 deactivated the service %2 of %3.</source>
        <translation>%1 a désactivé le service %2 de %3.</translation>
    </message>
    <message>
        <source>%1 set the space %2 at structure level for %3.</source>
        <translation>%1 a paramétré l&apos;espace %2 au niveau de la structure %3.</translation>
    </message>
    <message>
        <source>%1 removed the space %2 from the spaces set at structure level for %3.</source>
        <translation>%1 a retiré l&apos;espace %2 des espaces paramétrés au niveau de la structure %3.</translation>
    </message>
    <message>
        <source>A subscription request of %1 to the space %2 on %3 (%4, %5) was generated: the space is set at structure level.</source>
        <translation>Une demande d&apos;abonnement de %1 à l&apos;espace %2 sur %3 (%4, %5) a été générée : l&apos;espace est paramétré au niveau de la structure.</translation>
    </message>
    <message>
        <source>%1 requested a subscription to the space %2 on %3 (%4, %5).</source>
        <translation>%1 a demandé un abonnement à l&apos;espace %2 sur %3 (%4, %5).</translation>
    </message>
    <message>
        <source>%1 was subscribed to the space %2 on %3 (%4, %5), a default space of their role.</source>
        <translation>%1 a été abonné à l&apos;espace %2 sur %3 (%4, %5), espace par défaut de son rôle.</translation>
    </message>
    <message>
        <source>%1 was subscribed to the space %2 on %3 (%4, %5), set at structure level.</source>
        <translation>%1 a été abonné à l&apos;espace %2 sur %3 (%4, %5), paramétré au niveau de la structure.</translation>
    </message>
    <message>
        <source>%1 subscribed %2 to the space %3 on %4 (%5, %6).</source>
        <translation>%1 a abonné %2 à l&apos;espace %3 sur %4 (%5, %6).</translation>
    </message>
    <message>
        <source>%1 validated the subscription request of %2 to the space %3 on %4 (%5, %6).</source>
        <translation>%1 a validé la demande d&apos;abonnement de %2 à l&apos;espace %3 sur %4 (%5, %6).</translation>
    </message>
    <message>
        <source>%1 refused the subscription request of %2 to the space %3 on %4 (%5, %6).</source>
        <translation>%1 a refusé la demande d&apos;abonnement de %2 à l&apos;espace %3 sur %4 (%5, %6).</translation>
    </message>
    <message>
        <source>A subscription request of %1 on %2 was cancelled: the account was deactivated.</source>
        <translation>Une demande d&apos;abonnement de %1 sur %2 a été annulée : le compte a été désactivé.</translation>
    </message>
    <message>
        <source>%1 removed their subscription to the space %2 on %3.</source>
        <translation>%1 a supprimé son abonnement à l&apos;espace %2 sur %3.</translation>
    </message>
    <message>
        <source>The subscription of %1 to the space %2 on %3 ended with their attachment.</source>
        <translation>L&apos;abonnement de %1 à l&apos;espace %2 sur %3 a pris fin avec son rattachement.</translation>
    </message>
    <message>
        <source>The subscription of %1 to the space %2 on %3 was removed: the space is no longer set at structure level.</source>
        <translation>L&apos;abonnement de %1 à l&apos;espace %2 sur %3 a été supprimé : l&apos;espace n&apos;est plus paramétré au niveau de la structure.</translation>
    </message>
    <message>
        <source>The subscription of %1 to the space %2 on %3 was removed: it is no longer a default space of their role.</source>
        <translation>L&apos;abonnement de %1 à l&apos;espace %2 sur %3 a été supprimé : ce n&apos;est plus un espace par défaut de son rôle.</translation>
    </message>
    <message>
        <source>The subscription of %1 to the space %2 on %3 was removed.</source>
        <translation>L&apos;abonnement de %1 à l&apos;espace %2 sur %3 a été supprimé.</translation>
    </message>
    <message>
        <source>%1 added the attached file « %2 » (%3).</source>
        <translation>%1 a ajouté la pièce jointe « %2 » (%3).</translation>
    </message>
    <message>
        <source>%1 updated the attached file « %2 ».</source>
        <translation>%1 a modifié la pièce jointe « %2 ».</translation>
    </message>
    <message>
        <source>%1 deleted the attached file « %2 ».</source>
        <translation>%1 a supprimé la pièce jointe « %2 ».</translation>
    </message>
    <message>
        <source>A solicitation « %1 » (%2) was sent from %3 without signing in.</source>
        <translation>Une sollicitation « %1 » (%2) a été envoyée depuis %3 sans connexion.</translation>
    </message>
    <message>
        <source>%1 sent the solicitation « %2 » (%3).</source>
        <translation>%1 a envoyé la sollicitation « %2 » (%3).</translation>
    </message>
    <message>
        <source>%1 set the solicitation « %2 » to %3.</source>
        <translation>%1 a passé la sollicitation « %2 » à l&apos;état %3.</translation>
    </message>
    <message>
        <source>%1 replied to the solicitation « %2 » (now %3).</source>
        <translation>%1 a répondu à la sollicitation « %2 » (désormais %3).</translation>
    </message>
    <message>
        <source>%1 added to their solicitation « %2 ».</source>
        <translation>%1 a complété sa sollicitation « %2 ».</translation>
    </message>
    <message>
        <source>The account %1 was created from the sign-in window, waiting for its activation; link valid until %2.</source>
        <translation>Le compte %1 a été créé depuis la fenêtre de connexion, en attente d&apos;activation ; lien valable jusqu&apos;au %2.</translation>
    </message>
    <message>
        <source>Someone tried to create an account with the address of %1; they were told by mail.</source>
        <translation>Quelqu&apos;un a tenté de créer un compte avec l&apos;adresse de %1 ; cette personne en a été informée par mail.</translation>
    </message>
    <message>
        <source>%1 (support) sent %2 a new activation link, valid until %3.</source>
        <translation>%1 (support) a envoyé à %2 un nouveau lien d&apos;activation, valable jusqu&apos;au %3.</translation>
    </message>
    <message>
        <source>A new activation link was sent to %1, valid until %2.</source>
        <translation>Un nouveau lien d&apos;activation a été envoyé à %1, valable jusqu&apos;au %2.</translation>
    </message>
    <message>
        <source>%1 activated their account.</source>
        <translation>%1 a activé son compte.</translation>
    </message>
    <message numerus="yes">
        <source>The account %1 was removed: it was not activated within %n day(s).</source>
        <translation>
            <numerusform>Le compte %1 a été supprimé : il n&apos;a pas été activé dans le délai de %n jour.</numerusform>
            <numerusform>Le compte %1 a été supprimé : il n&apos;a pas été activé dans le délai de %n jours.</numerusform>
        </translation>
    </message>
    <message>
        <source>Sign-in of %1 refused: the account is not activated yet.</source>
        <translation>Connexion de %1 refusée : le compte n&apos;est pas encore activé.</translation>
    </message>
    <message>
        <source>A reactivation of %1 was asked for after the reactivation period; no link was sent, they were told by mail to contact support.</source>
        <translation>La réactivation de %1 a été demandée après le délai de réactivation ; aucun lien n’a été envoyé, un courriel lui a indiqué de contacter le support.</translation>
    </message>
    <message>
        <source>A reactivation was asked for %1, which has no deactivated account: nothing was sent.</source>
        <translation>Une réactivation a été demandée pour %1, qui n’a pas de compte désactivé : rien n’a été envoyé.</translation>
    </message>
    <message>
        <source>%1 invited %2 to %3 as %4 (%5).</source>
        <translation>%1 a invité %2 à rejoindre %3 comme %4 (%5).</translation>
    </message>
    <message>
        <source>%1 activated their account: the invitation became an attachment to %2.</source>
        <translation>%1 a activé son compte : l’invitation est devenue un rattachement à %2.</translation>
    </message>
    <message>
        <source>%1 let the users of %3 add or remove the space %2 themselves.</source>
        <translation>%1 a permis aux utilisateurs de %3 d’ajouter ou de retirer eux-mêmes l’espace %2.</translation>
    </message>
    <message>
        <source>%1 withdrew from the users of %3 the right to add the space %2 themselves.</source>
        <translation>%1 a retiré aux utilisateurs de %3 le droit d’ajouter eux-mêmes l’espace %2.</translation>
    </message>
    <message>
        <source>%1 validated the removal request of %2: their subscription to the space %3 on %4 (%5, %6) was removed.</source>
        <translation>%1 a validé la demande de suppression de %2 : son abonnement à l&apos;espace %3 sur %4 (%5, %6) a été supprimé.</translation>
    </message>
    <message>
        <source>%1 asked to remove their subscription to the space %2 on %3 (%4, %5).</source>
        <translation>%1 a demandé la suppression de son abonnement à l&apos;espace %2 sur %3 (%4, %5).</translation>
    </message>
    <message>
        <source>%1 withdrew their request to remove their subscription to the space %2 on %3 (%4, %5).</source>
        <translation>%1 a retiré sa demande de suppression de son abonnement à l&apos;espace %2 sur %3 (%4, %5).</translation>
    </message>
    <message>
        <source>%1 refused the removal request of %2: their subscription to the space %3 on %4 (%5, %6) stays.</source>
        <translation>%1 a refusé la demande de suppression de %2 : son abonnement à l&apos;espace %3 sur %4 (%5, %6) est maintenu.</translation>
    </message>
</context>
<context>
    <name>guichet::Backup</name>
    <message>
        <source>guichetctl backup copies SQLite databases; for PostgreSQL use pg_dump (docs/OPERATIONS.md).</source>
        <translation>guichetctl backup copie les bases SQLite ; pour PostgreSQL, utilisez pg_dump (docs/OPERATIONS.md).</translation>
    </message>
    <message>
        <source>%1 already exists; choose a new file name.</source>
        <translation>%1 existe déjà ; choisissez un nouveau nom de fichier.</translation>
    </message>
    <message>
        <source>Cannot create the folder %1.</source>
        <translation>Impossible de créer le dossier %1.</translation>
    </message>
    <message>
        <source>The backup failed: %1</source>
        <translation>La sauvegarde a échoué : %1</translation>
    </message>
    <message>
        <source>The backup file %1 does not exist.</source>
        <translation>Le fichier de sauvegarde %1 n’existe pas.</translation>
    </message>
    <message>
        <source>Cannot read %1: %2</source>
        <translation>Impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>%1 is not an SQLite database.</source>
        <translation>%1 n’est pas une base SQLite.</translation>
    </message>
    <message>
        <source>Cannot open %1: %2</source>
        <translation>Impossible d’ouvrir %1 : %2</translation>
    </message>
    <message>
        <source>%1 is damaged: %2</source>
        <translation>%1 est endommagé : %2</translation>
    </message>
    <message>
        <source>%1 is not a Guichet database.</source>
        <translation>%1 n’est pas une base Guichet.</translation>
    </message>
    <message>
        <source>%1 comes from a newer Guichet (schema %2; this one knows up to %3).</source>
        <translation>%1 vient d’une version plus récente de Guichet (schéma %2 ; celle-ci connaît jusqu’au %3).</translation>
    </message>
    <message>
        <source>Cannot write %1: %2</source>
        <translation>Impossible d’écrire %1 : %2</translation>
    </message>
</context>
<context>
    <name>guichet::BankDetails</name>
    <message>
        <source>The IBAN is required.</source>
        <translation>L&apos;IBAN est obligatoire.</translation>
    </message>
    <message>
        <source>The IBAN %1 must be a country code, two check digits, then letters and digits.</source>
        <translation>L&apos;IBAN %1 doit comporter un code pays, deux chiffres de contrôle, puis des lettres et des chiffres.</translation>
    </message>
    <message>
        <source>The IBAN %1 has %2 characters; an IBAN of %3 has %4.</source>
        <translation>L&apos;IBAN %1 comporte %2 caractères ; un IBAN de %3 en comporte %4.</translation>
    </message>
    <message>
        <source>The IBAN %1 is not valid: its check digits are wrong.</source>
        <translation>L&apos;IBAN %1 n&apos;est pas valide : ses chiffres de contrôle sont faux.</translation>
    </message>
    <message>
        <source>The BIC is required.</source>
        <translation>Le BIC est obligatoire.</translation>
    </message>
    <message>
        <source>The BIC %1 must be 8 or 11 characters: 4 letters (bank), 2 letters (country), 2 letters or digits (place), optionally 3 letters or digits (branch).</source>
        <translation>Le BIC %1 doit comporter 8 ou 11 caractères : 4 lettres (banque), 2 lettres (pays), 2 lettres ou chiffres (emplacement), éventuellement 3 lettres ou chiffres (agence).</translation>
    </message>
</context>
<context>
    <name>guichet::BenchData</name>
    <message>
        <source>The number of structures must be positive.</source>
        <translation>Le nombre de structures doit être positif.</translation>
    </message>
</context>
<context>
    <name>guichet::BulkSubscriptionDialog</name>
    <message>
        <source>Check &amp;all</source>
        <translation>&amp;Tout cocher</translation>
    </message>
    <message>
        <source>&amp;Modification</source>
        <translation>&amp;Modification</translation>
    </message>
    <message>
        <source>C&amp;onsultation</source>
        <translation>C&amp;onsultation</translation>
    </message>
    <message>
        <source>Subscribe users to a space</source>
        <translation>Abonner des utilisateurs à un espace</translation>
    </message>
    <message>
        <source>Subscribe the users checked to a space of %1, validated at once without a request, for what each one is attached to. What a user already has is kept as it is.</source>
        <translation>Abonner les utilisateurs cochés à un espace de %1, validé aussitôt sans demande, pour ce à quoi chacun est rattaché. Ce qu’un utilisateur a déjà reste tel quel.</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>%1 %2 &lt;%3&gt;</source>
        <translation>%1 %2 &lt;%3&gt;</translation>
    </message>
    <message>
        <source>&amp;Users:</source>
        <translation>&amp;Utilisateurs :</translation>
    </message>
    <message>
        <source>&amp;Space:</source>
        <translation>&amp;Espace :</translation>
    </message>
    <message>
        <source>Modes:</source>
        <translation>Modes :</translation>
    </message>
    <message>
        <source>&amp;Effective from:</source>
        <translation>&amp;Effectif à partir du :</translation>
    </message>
    <message>
        <source>&amp;Subscribe</source>
        <translation>&amp;Abonner</translation>
    </message>
</context>
<context>
    <name>guichet::CommandCatalogue</name>
    <message>
        <source>Company name</source>
        <translation>Raison sociale</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ville</translation>
    </message>
    <message>
        <source>Contact e-mail</source>
        <translation>Adresse électronique de contact</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Prénom</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Pays</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>Save my personal information</source>
        <translation>Enregistrer mes informations personnelles</translation>
    </message>
    <message>
        <source>Change my password</source>
        <translation>Changer mon mot de passe</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>Mot de passe actuel</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nouveau mot de passe</translation>
    </message>
    <message>
        <source>Confirmation</source>
        <translation>Confirmation</translation>
    </message>
    <message>
        <source>Change my secret question</source>
        <translation>Changer ma question secrète</translation>
    </message>
    <message>
        <source>Secret question</source>
        <translation>Question secrète</translation>
    </message>
    <message>
        <source>Secret answer</source>
        <translation>Réponse secrète</translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation>Notifications</translation>
    </message>
    <message>
        <source>Notifications on</source>
        <translation>Notifications activées</translation>
    </message>
    <message>
        <source>Deactivate my account</source>
        <translation>Désactiver mon compte</translation>
    </message>
    <message>
        <source>New principal managers</source>
        <translation>Nouveaux gestionnaires principaux</translation>
    </message>
    <message>
        <source>Ask for a reactivation link</source>
        <translation>Demander un lien de réactivation</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Courriel</translation>
    </message>
    <message>
        <source>Reactivate my account</source>
        <translation>Réactiver mon compte</translation>
    </message>
    <message>
        <source>Reactivation link</source>
        <translation>Lien de réactivation</translation>
    </message>
    <message>
        <source>Send a reactivation link</source>
        <translation>Envoyer un lien de réactivation</translation>
    </message>
    <message>
        <source>User number</source>
        <translation>Numéro d&apos;utilisateur</translation>
    </message>
    <message>
        <source>Create a structure</source>
        <translation>Créer une structure</translation>
    </message>
    <message>
        <source>Modify a structure</source>
        <translation>Modifier une structure</translation>
    </message>
    <message>
        <source>Structure number</source>
        <translation>Numéro de structure</translation>
    </message>
    <message>
        <source>Add a service</source>
        <translation>Ajouter un service</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Activate or deactivate a service</source>
        <translation>Activer ou désactiver un service</translation>
    </message>
    <message>
        <source>Service number</source>
        <translation>Numéro de service</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Request an attachment</source>
        <translation>Demander un rattachement</translation>
    </message>
    <message>
        <source>Valid from</source>
        <translation>Valide à partir du</translation>
    </message>
    <message>
        <source>Valid until</source>
        <translation>Valide jusqu’au</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Whole structure</source>
        <translation>Toute la structure</translation>
    </message>
    <message>
        <source>Decide on an attachment request</source>
        <translation>Traiter une demande de rattachement</translation>
    </message>
    <message>
        <source>Attachment number</source>
        <translation>Numéro de rattachement</translation>
    </message>
    <message>
        <source>Validated</source>
        <translation>Validé</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Commentaire</translation>
    </message>
    <message>
        <source>Decide on attachment requests</source>
        <translation>Traiter des demandes de rattachement</translation>
    </message>
    <message>
        <source>Attachments</source>
        <translation>Rattachements</translation>
    </message>
    <message>
        <source>Delete attachments</source>
        <translation>Supprimer rattachements</translation>
    </message>
    <message>
        <source>Powers of the secondary managers</source>
        <translation>Pouvoirs des gestionnaires secondaires</translation>
    </message>
    <message>
        <source>Granted</source>
        <translation>Accordé</translation>
    </message>
    <message>
        <source>Change a manager&apos;s role</source>
        <translation>Changer le rôle d’un gestionnaire</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Attach a user</source>
        <translation>Rattacher un utilisateur</translation>
    </message>
    <message>
        <source>End an attachment</source>
        <translation>Mettre fin à un rattachement</translation>
    </message>
    <message>
        <source>Copy the rights</source>
        <translation>Copier les droits</translation>
    </message>
    <message>
        <source>From user number</source>
        <translation>Numéro de l&apos;utilisateur source</translation>
    </message>
    <message>
        <source>To user number</source>
        <translation>Numéro de l&apos;utilisateur destinataire</translation>
    </message>
    <message>
        <source>Transfer the principal manager role</source>
        <translation>Transférer le rôle de gestionnaire principal</translation>
    </message>
    <message>
        <source>New principal manager</source>
        <translation>Nouveau gestionnaire principal</translation>
    </message>
    <message>
        <source>Open a space to a structure</source>
        <translation>Ouvrir un espace à une structure</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Espace</translation>
    </message>
    <message>
        <source>Close a space to a structure</source>
        <translation>Fermer un espace à une structure</translation>
    </message>
    <message>
        <source>Add a subscription</source>
        <translation>Ajouter un abonnement</translation>
    </message>
    <message>
        <source>Effective date</source>
        <translation>Date d&apos;effet</translation>
    </message>
    <message>
        <source>Decide on a subscription request</source>
        <translation>Traiter une demande d’abonnement</translation>
    </message>
    <message>
        <source>Subscription number</source>
        <translation>Numéro d’abonnement</translation>
    </message>
    <message>
        <source>Decide on subscription requests</source>
        <translation>Traiter des demandes d’abonnement</translation>
    </message>
    <message>
        <source>Subscriptions</source>
        <translation>Abonnements</translation>
    </message>
    <message>
        <source>Delete subscriptions</source>
        <translation>Supprimer des abonnements</translation>
    </message>
    <message>
        <source>Add an attached file</source>
        <translation>Ajouter une pièce jointe</translation>
    </message>
    <message>
        <source>Designation</source>
        <translation>Désignation</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>File name</source>
        <translation>Nom du fichier</translation>
    </message>
    <message>
        <source>File</source>
        <translation>Fichier</translation>
    </message>
    <message>
        <source>Modify an attached file</source>
        <translation>Modifier une pièce jointe</translation>
    </message>
    <message>
        <source>Number</source>
        <translation>Numéro</translation>
    </message>
    <message>
        <source>Delete attached files</source>
        <translation>Supprimer des pièces jointes</translation>
    </message>
    <message>
        <source>Files</source>
        <translation>Pièces jointes</translation>
    </message>
    <message>
        <source>Write to support</source>
        <translation>Écrire au support</translation>
    </message>
    <message>
        <source>Write to support without an account</source>
        <translation>Écrire au support sans compte</translation>
    </message>
    <message>
        <source>Change a solicitation&apos;s status</source>
        <translation>Changer le statut d&apos;une sollicitation</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Reply to a solicitation</source>
        <translation>Répondre à une sollicitation</translation>
    </message>
    <message>
        <source>Answer support</source>
        <translation>Répondre au support</translation>
    </message>
    <message>
        <source>Create an account</source>
        <translation>Créer un compte</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Language of the mails</source>
        <translation>Langue des mails</translation>
    </message>
    <message>
        <source>Activate my account</source>
        <translation>Activer mon compte</translation>
    </message>
    <message>
        <source>Activation link</source>
        <translation>Lien d&apos;activation</translation>
    </message>
    <message>
        <source>Ask for a new activation mail</source>
        <translation>Demander un nouveau mail d&apos;activation</translation>
    </message>
    <message>
        <source>Resend the activation mail</source>
        <translation>Renvoyer le mail d&apos;activation</translation>
    </message>
    <message>
        <source>Invite a user</source>
        <translation>Inviter un utilisateur</translation>
    </message>
    <message>
        <source>Resend an invitation</source>
        <translation>Renvoyer une invitation</translation>
    </message>
    <message>
        <source>Attach a user to several structures</source>
        <translation>Rattacher un utilisateur à plusieurs structures</translation>
    </message>
    <message>
        <source>Structures</source>
        <translation>Structures</translation>
    </message>
    <message>
        <source>Subscribe users to a space</source>
        <translation>Abonner des utilisateurs à un espace</translation>
    </message>
    <message>
        <source>Users</source>
        <translation>Utilisateurs</translation>
    </message>
    <message>
        <source>Modification</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>Consultation</source>
        <translation>Consultation</translation>
    </message>
    <message>
        <source>Let users add a space themselves</source>
        <translation>Laisser les utilisateurs ajouter un espace eux-mêmes</translation>
    </message>
    <message>
        <source>Allowed</source>
        <translation>Autorisé</translation>
    </message>
    <message>
        <source>Identifier type</source>
        <translation>Type d&apos;identifiant</translation>
    </message>
    <message>
        <source>Identifier (SIRET, VAT number…)</source>
        <translation>Identifiant (SIRET, numéro de TVA…)</translation>
    </message>
    <message>
        <source>IBAN</source>
        <translation>IBAN</translation>
    </message>
    <message>
        <source>BIC</source>
        <translation>BIC</translation>
    </message>
    <message>
        <source>Principal manager</source>
        <translation>Gestionnaire principal</translation>
    </message>
    <message>
        <source>Spaces set at structure level</source>
        <translation>Espaces paramétrés au niveau de la structure</translation>
    </message>
    <message>
        <source>Withdraw subscription removal requests</source>
        <translation>Retirer des demandes de suppression d&apos;abonnement</translation>
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
    <name>guichet::CommandDescription</name>
    <message>
        <source>yes</source>
        <translation>oui</translation>
    </message>
    <message>
        <source>no</source>
        <translation>non</translation>
    </message>
    <message numerus="yes">
        <source>%n item(s)</source>
        <translation>
            <numerusform>%n élément</numerusform>
            <numerusform>%n éléments</numerusform>
        </translation>
    </message>
    <message>
        <source>%1: %2</source>
        <translation>%1 : %2</translation>
    </message>
</context>
<context>
    <name>guichet::CommandDispatcher</name>
    <message>
        <source>The field %1 must be text.</source>
        <translation>Le champ %1 doit être du texte.</translation>
    </message>
    <message>
        <source>The field %1 must be true or false.</source>
        <translation>Le champ %1 doit valoir vrai ou faux.</translation>
    </message>
    <message>
        <source>The field %1 must be a list of ids.</source>
        <translation>Le champ %1 doit être une liste d&apos;identifiants.</translation>
    </message>
    <message>
        <source>The field %1 must be a date (yyyy-MM-dd).</source>
        <translation>Le champ %1 doit être une date (aaaa-MM-jj).</translation>
    </message>
    <message>
        <source>The field %1 must be base64-encoded content.</source>
        <translation>Le champ %1 doit être un contenu encodé en base64.</translation>
    </message>
    <message>
        <source>The field %1 must be {&quot;forAll&quot;: user id} or {&quot;perStructure&quot;: {&quot;structure id&quot;: user id}}.</source>
        <translation>Le champ %1 doit être {&quot;forAll&quot;: id utilisateur} ou {&quot;perStructure&quot;: {&quot;id structure&quot;: id utilisateur}}.</translation>
    </message>
    <message>
        <source>The field %1 must be a list of {&quot;serviceId&quot;: id, &quot;modification&quot;: true or false, &quot;consultation&quot;: true or false}.</source>
        <translation>Le champ %1 doit être une liste de {&quot;serviceId&quot;: id, &quot;modification&quot;: vrai ou faux, &quot;consultation&quot;: vrai ou faux}.</translation>
    </message>
    <message>
        <source>The field %1 is missing.</source>
        <translation>Le champ %1 est manquant.</translation>
    </message>
    <message>
        <source>The field %1 must be an id (a whole number).</source>
        <translation>Le champ %1 doit être un identifiant (un nombre entier).</translation>
    </message>
    <message>
        <source>The field role must be &quot;secondary&quot; or &quot;user&quot;.</source>
        <translation>Le champ role doit valoir « secondary » ou « user ».</translation>
    </message>
    <message>
        <source>This command id was already used for another command.</source>
        <translation>Cet identifiant de commande a déjà servi pour une autre commande.</translation>
    </message>
    <message>
        <source>Unknown command: %1.</source>
        <translation>Commande inconnue : %1.</translation>
    </message>
    <message>
        <source>The field %1 must be a list of texts.</source>
        <translation>Le champ %1 doit être une liste de textes.</translation>
    </message>
    <message>
        <source>The field %1 must be a list of {&quot;code&quot;: text, &quot;name&quot;: text}.</source>
        <translation>Le champ %1 doit être une liste de {&quot;code&quot;: texte, &quot;name&quot;: texte}.</translation>
    </message>
</context>
<context>
    <name>guichet::ConnectedSession</name>
    <message>
        <source>The local copy of your account cannot be opened: %1</source>
        <translation>La copie locale de votre compte ne peut pas être ouverte : %1</translation>
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
    <message>
        <source>The database cannot be reached for the moment. Try again shortly.</source>
        <translation>La base de données est momentanément injoignable. Réessayez dans un instant.</translation>
    </message>
</context>
<context>
    <name>guichet::CredentialStore</name>
    <message>
        <source>The system keychain is unavailable.</source>
        <translation>Le trousseau du système est indisponible.</translation>
    </message>
</context>
<context>
    <name>guichet::Database</name>
    <message>
        <source>The %1 database driver is not installed.</source>
        <translation>Le pilote de base de données %1 n&apos;est pas installé.</translation>
    </message>
    <message>
        <source>Invalid PostgreSQL URL: %1</source>
        <translation>URL PostgreSQL invalide : %1</translation>
    </message>
    <message>
        <source>Cannot open the database %1: %2</source>
        <translation>Impossible d&apos;ouvrir la base de données %1 : %2</translation>
    </message>
    <message>
        <source>Database migration failed: %1</source>
        <translation>La migration de la base de données a échoué : %1</translation>
    </message>
</context>
<context>
    <name>guichet::DeactivationSection</name>
    <message>
        <source>&amp;Deactivate my account</source>
        <translation>&amp;Désactiver mon compte</translation>
    </message>
    <message>
        <source>Deactivate my account</source>
        <translation>Désactiver mon compte</translation>
    </message>
    <message>
        <source>If you no longer use your account, after a change of assignment or a resignation for example, deactivate it:
• you can reactivate it within %1 days (&quot;Reactivate my account&quot; in the sign-in window);
• any change in progress on the account is lost: your pending requests are cancelled;
• a deactivated account can do nothing but be reactivated, and receives no more mail.</source>
        <translation>Si vous n&apos;utilisez plus votre compte, après un changement d&apos;affectation ou une démission par exemple, désactivez-le :
• vous pourrez le réactiver dans un délai de %1 jours (« Réactiver mon compte » dans la fenêtre de connexion) ;
• toute modification en cours sur le compte est perdue : vos demandes en attente sont annulées ;
• un compte désactivé ne peut rien faire d&apos;autre qu&apos;être réactivé et ne reçoit plus de courriels.</translation>
    </message>
    <message>
        <source>Not to be confused with the deactivation or removal of an attachment to a structure, which a manager does.</source>
        <translation>À ne pas confondre avec la désactivation ou la suppression d&apos;un rattachement à une structure, effectuée par un gestionnaire.</translation>
    </message>
    <message>
        <source>You are the principal manager of: %1. Before deactivating your account, you designate a new principal manager for each of them.</source>
        <translation>Vous êtes gestionnaire principal de : %1. Avant de désactiver votre compte, vous désignerez un nouveau gestionnaire principal pour chacune de ces structures.</translation>
    </message>
    <message>
        <source>You will be able to reactivate your account within %1 days.
Any change in progress on the account will be lost.

Deactivate your account?</source>
        <translation>Vous pourrez réactiver votre compte dans un délai de %1 jours.
Toute modification en cours sur le compte sera perdue.

Désactiver votre compte ?</translation>
    </message>
    <message>
        <source>You will be able to reactivate your account within %1 days.
You must designate a new principal manager for every structure you are the principal manager of.

Click OK to designate a new principal manager.</source>
        <translation>Vous pourrez réactiver votre compte dans un délai de %1 jours.
Vous devez désigner un nouveau gestionnaire principal pour toutes les structures dont vous êtes gestionnaire principal.

Cliquez sur « OK » pour désigner un nouveau gestionnaire principal.</translation>
    </message>
    <message>
        <source>Your account is deactivated. You can reactivate it within %1 days with &quot;Reactivate my account&quot; in the sign-in window.</source>
        <translation>Votre compte est désactivé. Vous pouvez le réactiver dans un délai de %1 jours avec « Réactiver mon compte » dans la fenêtre de connexion.</translation>
    </message>
</context>
<context>
    <name>guichet::DemoData</name>
    <message>
        <source>The database already has users: the demo fills an empty database only.</source>
        <translation>La base de données contient déjà des utilisateurs : la démonstration ne remplit qu&apos;une base de données vide.</translation>
    </message>
    <message>
        <source>Welcome to the structure.</source>
        <translation>Bienvenue dans la structure.</translation>
    </message>
    <message>
        <source>To follow the suppliers&apos; questions on invoices.</source>
        <translation>Pour suivre les questions des fournisseurs sur les factures.</translation>
    </message>
    <message>
        <source>Reactivating my account</source>
        <translation>Réactivation de mon compte</translation>
    </message>
    <message>
        <source>My account was deactivated more than 60 days ago; could you reactivate it?</source>
        <translation>Mon compte a été désactivé il y a plus de 60 jours. Pourriez-vous le réactiver, s&apos;il vous plaît ?</translation>
    </message>
    <message>
        <source>principal manager of three structures</source>
        <translation>gestionnaire principal de trois structures</translation>
    </message>
    <message>
        <source>secondary manager with the principal&apos;s powers</source>
        <translation>gestionnaire secondaire avec les pouvoirs du gestionnaire principal</translation>
    </message>
    <message>
        <source>secondary manager without the principal&apos;s powers</source>
        <translation>gestionnaire secondaire sans les pouvoirs du gestionnaire principal</translation>
    </message>
    <message>
        <source>simple user with attached files</source>
        <translation>utilisateur simple avec des pièces jointes</translation>
    </message>
    <message>
        <source>user whose attachment requests are pending</source>
        <translation>utilisateur dont les demandes de rattachement sont en attente</translation>
    </message>
    <message>
        <source>support staff</source>
        <translation>membre du support</translation>
    </message>
    <message>
        <source>deactivated 10 days ago (can reactivate)</source>
        <translation>compte désactivé il y a 10 jours (réactivable par l&apos;utilisateur)</translation>
    </message>
    <message>
        <source>deactivated 70 days ago (needs support)</source>
        <translation>compte désactivé il y a 70 jours (réactivation par le support)</translation>
    </message>
</context>
<context>
    <name>guichet::DesktopApp</name>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>The new language applies the next time Guichet starts.</source>
        <translation>La nouvelle langue s&apos;appliquera au prochain démarrage de Guichet.</translation>
    </message>
    <message>
        <source>Change refused</source>
        <translation>Modification refusée</translation>
    </message>
    <message>
        <source>The server refused « %1 »: %2 Open the synchronisation status to see what you typed and discard it.</source>
        <translation>Le serveur a refusé « %1 » : %2 Ouvrez l’état de la synchronisation pour voir ce que vous avez saisi et l’abandonner.</translation>
    </message>
    <message>
        <source>Your session on the server has ended: sign in again.</source>
        <translation>Votre session sur le serveur a pris fin : connectez-vous à nouveau.</translation>
    </message>
    <message>
        <source>Your remembered session could not be opened: %1 Sign in again.</source>
        <translation>Votre session mémorisée n’a pas pu être ouverte : %1 Connectez-vous à nouveau.</translation>
    </message>
    <message>
        <source>The system keychain is unavailable (%1): sign in with your password.</source>
        <translation>Le trousseau du système est indisponible (%1) : connectez-vous avec votre mot de passe.</translation>
    </message>
    <message>
        <source>Activate my account</source>
        <translation>Activer mon compte</translation>
    </message>
    <message>
        <source>You are signed in: sign out, then open the activation link again.</source>
        <translation>Vous êtes connecté : déconnectez-vous, puis ouvrez de nouveau le lien d&apos;activation.</translation>
    </message>
    <message>
        <source>Create an account</source>
        <translation>Créer un compte</translation>
    </message>
</context>
<context>
    <name>guichet::Digests</name>
    <message>
        <source>principal manager</source>
        <translation>gestionnaire principal</translation>
    </message>
    <message>
        <source>secondary manager</source>
        <translation>gestionnaire secondaire</translation>
    </message>
    <message>
        <source>simple user</source>
        <translation>utilisateur simple</translation>
    </message>
    <message>
        <source>whole structure</source>
        <translation>toute la structure</translation>
    </message>
    <message>
        <source>You asked to be attached to %1 (SIRET %2); the request waits for a manager.</source>
        <translation>Vous avez demandé à être rattaché à %1 (SIRET %2) ; la demande attend un gestionnaire.</translation>
    </message>
    <message>
        <source>Your attachment to %1 (SIRET %2) was validated.</source>
        <translation>Votre rattachement à %1 (SIRET %2) a été validé.</translation>
    </message>
    <message>
        <source>Your attachment request to %1 (SIRET %2) was refused.</source>
        <translation>Votre demande de rattachement à %1 (SIRET %2) a été refusée.</translation>
    </message>
    <message>
        <source>Your attachment to %1 was removed.</source>
        <translation>Votre rattachement à %1 a été supprimé.</translation>
    </message>
    <message>
        <source>Your role on %1 is now: %2.</source>
        <translation>Votre rôle sur %1 est désormais : %2.</translation>
    </message>
    <message>
        <source>You are now the principal manager of %1.</source>
        <translation>Vous êtes désormais le gestionnaire principal de %1.</translation>
    </message>
    <message>
        <source>You are no longer the principal manager of %1.</source>
        <translation>Vous n’êtes plus le gestionnaire principal de %1.</translation>
    </message>
    <message>
        <source>You asked for the space %1 on %2 (%3); the request waits for a manager.</source>
        <translation>Vous avez demandé l’espace %1 sur %2 (%3) ; la demande attend un gestionnaire.</translation>
    </message>
    <message>
        <source>Your subscription to the space %1 on %2 (%3) is active.</source>
        <translation>Votre abonnement à l’espace %1 sur %2 (%3) est actif.</translation>
    </message>
    <message>
        <source>Your subscription request for the space %1 on %2 (%3) was refused.</source>
        <translation>Votre demande d’abonnement à l’espace %1 sur %2 (%3) a été refusée.</translation>
    </message>
    <message>
        <source>Your subscription to the space %1 on %2 was removed.</source>
        <translation>Votre abonnement à l’espace %1 sur %2 a été supprimé.</translation>
    </message>
    <message>
        <source>Support replied to your request &quot;%1&quot;.</source>
        <translation>Le support a répondu à votre demande « %1 ».</translation>
    </message>
    <message>
        <source>%1 asks to be attached to %2.</source>
        <translation>%1 demande à être rattaché à %2.</translation>
    </message>
    <message numerus="yes">
        <source>The attachment request of %1 to %2 has waited for more than %n day(s).</source>
        <translation>
            <numerusform>La demande de rattachement de %1 à %2 attend depuis plus de %n jour.</numerusform>
            <numerusform>La demande de rattachement de %1 à %2 attend depuis plus de %n jours.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 asks for the space %2 on %3 (%4).</source>
        <translation>%1 demande l’espace %2 sur %3 (%4).</translation>
    </message>
    <message numerus="yes">
        <source>The subscription request of %1 for the space %2 on %3 has waited for more than %n day(s).</source>
        <translation>
            <numerusform>La demande d’abonnement de %1 à l’espace %2 sur %3 attend depuis plus de %n jour.</numerusform>
            <numerusform>La demande d’abonnement de %1 à l’espace %2 sur %3 attend depuis plus de %n jours.</numerusform>
        </translation>
    </message>
    <message>
        <source>The attachment of %1 to %2 ends on %3.</source>
        <translation>Le rattachement de %1 à %2 prend fin le %3.</translation>
    </message>
    <message>
        <source>Hello %1,

Here is what happened since %2.</source>
        <translation>Bonjour %1,

Voici ce qui s’est passé depuis le %2.</translation>
    </message>
    <message>
        <source>Your account</source>
        <translation>Votre compte</translation>
    </message>
    <message>
        <source>Requests waiting for your decision</source>
        <translation>Demandes en attente de votre décision</translation>
    </message>
    <message>
        <source>Reminders</source>
        <translation>Rappels</translation>
    </message>
    <message>
        <source>You receive this mail because notifications are enabled in your account. Untick &quot;Receive notifications&quot; in Guichet to stop them.</source>
        <translation>Vous recevez ce message car les notifications sont activées sur votre compte. Décochez « Recevoir des notifications » dans Guichet pour ne plus les recevoir.</translation>
    </message>
    <message>
        <source>Guichet: your daily notifications</source>
        <translation>Guichet : vos notifications du jour</translation>
    </message>
    <message>
        <source>Hello %1,

Here are the movements on your structures since %2.</source>
        <translation>Bonjour %1,

Voici les mouvements sur vos structures depuis le %2.</translation>
    </message>
    <message>
        <source>new attachment requests: %1</source>
        <translation>nouvelles demandes de rattachement : %1</translation>
    </message>
    <message>
        <source>decisions: %1</source>
        <translation>décisions : %1</translation>
    </message>
    <message>
        <source>removals: %1</source>
        <translation>suppressions : %1</translation>
    </message>
    <message>
        <source>subscriptions: %1</source>
        <translation>abonnements : %1</translation>
    </message>
    <message>
        <source>role changes: %1</source>
        <translation>changements de rôle : %1</translation>
    </message>
    <message numerus="yes">
        <source>… and %n more.</source>
        <translation>
            <numerusform>… et %n autre.</numerusform>
            <numerusform>… et %n autres.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 (SIRET %2)</source>
        <translation>%1 (SIRET %2)</translation>
    </message>
    <message>
        <source>Guichet: the week on your structures (%1)</source>
        <translation>Guichet : la semaine sur vos structures (%1)</translation>
    </message>
    <message>
        <source>%1 asks to remove the space %2 on %3 (%4).</source>
        <translation>%1 demande la suppression de l’espace %2 sur %3 (%4).</translation>
    </message>
    <message numerus="yes">
        <source>The removal request of %1 for the space %2 on %3 has waited for more than %n day(s).</source>
        <translation>
            <numerusform>La demande de suppression de %1 pour l’espace %2 sur %3 attend depuis plus de %n jour.</numerusform>
            <numerusform>La demande de suppression de %1 pour l’espace %2 sur %3 attend depuis plus de %n jours.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::Directory</name>
    <message>
        <source>This directory cannot list the requests to join a structure.</source>
        <translation>Cet annuaire ne peut pas lister les demandes de rattachement à une structure.</translation>
    </message>
</context>
<context>
    <name>guichet::GuichetLink</name>
    <message>
        <source>This link is too long (%1 characters, at most %2): it was not made by Guichet.</source>
        <translation>Ce lien est trop long (%1 caractères, %2 au plus) : il n&apos;a pas été créé par Guichet.</translation>
    </message>
    <message>
        <source>This is not a Guichet link: it should start with guichet://.</source>
        <translation>Ce n&apos;est pas un lien Guichet : il devrait commencer par guichet://.</translation>
    </message>
    <message>
        <source>This Guichet link says nothing to do.</source>
        <translation>Ce lien Guichet n&apos;indique aucune action.</translation>
    </message>
    <message>
        <source>This Guichet link asks for « %1 », which this version of Guichet does not know.</source>
        <translation>Ce lien Guichet demande « %1 », action que cette version de Guichet ne connaît pas.</translation>
    </message>
    <message>
        <source>This Guichet link has parts that Guichet links do not have: it may have been altered.</source>
        <translation>Ce lien Guichet contient des éléments que les liens Guichet n&apos;ont pas : il a peut-être été modifié.</translation>
    </message>
    <message>
        <source>This Guichet link has an unknown part « %1 »: it may have been altered.</source>
        <translation>Ce lien Guichet contient un élément inconnu « %1 » : il a peut-être été modifié.</translation>
    </message>
    <message>
        <source>This Guichet link repeats a part: it may have been altered.</source>
        <translation>Ce lien Guichet répète un élément : il a peut-être été modifié.</translation>
    </message>
    <message>
        <source>This Guichet link has no code: copy the whole link from the mail.</source>
        <translation>Ce lien Guichet ne contient pas de code : copiez le lien entier depuis le courriel.</translation>
    </message>
    <message>
        <source>The code of this Guichet link is not valid: copy the whole link from the mail, or paste the code the mail gives.</source>
        <translation>Le code de ce lien Guichet n&apos;est pas valide : copiez le lien entier depuis le courriel, ou collez le code indiqué dans le courriel.</translation>
    </message>
    <message>
        <source>The server named by this Guichet link is not a valid address.</source>
        <translation>Le serveur indiqué par ce lien Guichet n&apos;est pas une adresse valide.</translation>
    </message>
</context>
<context>
    <name>guichet::HistoryPanel</name>
    <message>
        <source>&amp;Between</source>
        <translation>&amp;Entre</translation>
    </message>
    <message>
        <source>E&amp;xport as CSV…</source>
        <translation>E&amp;xporter en CSV…</translation>
    </message>
    <message>
        <source>Person</source>
        <translation>Personne</translation>
    </message>
    <message>
        <source>Only what this person did or what was done about them</source>
        <translation>Seulement ce que cette personne a fait ou ce qui la concerne</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>Kind of action</source>
        <translation>Type d&apos;action</translation>
    </message>
    <message>
        <source>Every kind of action</source>
        <translation>Tous les types d&apos;action</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
    <message>
        <source>Until</source>
        <translation>Au</translation>
    </message>
    <message>
        <source>History</source>
        <translation>Historique</translation>
    </message>
    <message>
        <source>and</source>
        <translation>et</translation>
    </message>
    <message>
        <source>All structures</source>
        <translation>Toutes les structures</translation>
    </message>
    <message>
        <source>Everyone</source>
        <translation>Tout le monde</translation>
    </message>
    <message>
        <source>Choose a structure you manage.</source>
        <translation>Choisissez une structure que vous gérez.</translation>
    </message>
    <message>
        <source>Nothing is recorded for %1 with these filters.</source>
        <translation>Rien n’est enregistré pour %1 avec ces filtres.</translation>
    </message>
    <message>
        <source>Nothing is recorded for %1 yet.</source>
        <translation>Rien n&apos;est encore enregistré pour %1.</translation>
    </message>
    <message>
        <source>Nothing is recorded with these filters.</source>
        <translation>Rien n&apos;est enregistré avec ces filtres.</translation>
    </message>
    <message>
        <source>Nothing is recorded yet.</source>
        <translation>Rien n&apos;est encore enregistré.</translation>
    </message>
    <message>
        <source>Export the history</source>
        <translation>Exporter l’historique</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>Exporting the history…</source>
        <translation>Export de l’historique…</translation>
    </message>
    <message>
        <source>The file %1 could not be written: %2</source>
        <translation>Le fichier %1 n’a pas pu être écrit : %2</translation>
    </message>
</context>
<context>
    <name>guichet::InviteUserDialog</name>
    <message>
        <source>Attach to the &amp;whole structure</source>
        <translation>Rattacher à &amp;toute la structure</translation>
    </message>
    <message>
        <source>Invite a user</source>
        <translation>Inviter un utilisateur</translation>
    </message>
    <message>
        <source>Invite someone to %1 by e-mail. A person who already has an active account is attached at once; anyone else receives an invitation and is attached with this role and these services once their account is activated.</source>
        <translation>Invitez une personne à rejoindre %1 par courriel. Une personne qui a déjà un compte actif est rattachée aussitôt ; toute autre reçoit une invitation et est rattachée avec ce rôle et ces services dès que son compte est activé.</translation>
    </message>
    <message>
        <source>name@example.org</source>
        <translation>nom@exemple.fr</translation>
    </message>
    <message>
        <source>The language of the invitation, for an address without an account (an account&apos;s own language is used otherwise).</source>
        <translation>La langue de l’invitation, pour une adresse sans compte (sinon, la langue du compte).</translation>
    </message>
    <message>
        <source>&amp;E-mail address:</source>
        <translation>&amp;Adresse électronique :</translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation>&amp;Rôle :</translation>
    </message>
    <message>
        <source>Ser&amp;vices:</source>
        <translation>Ser&amp;vices :</translation>
    </message>
    <message>
        <source>&amp;Language of the invitation:</source>
        <translation>&amp;Langue de l’invitation :</translation>
    </message>
    <message>
        <source>&amp;Invite</source>
        <translation>&amp;Inviter</translation>
    </message>
</context>
<context>
    <name>guichet::LinkHandler</name>
    <message>
        <source>This link cannot be opened. %1</source>
        <translation>Ce lien ne peut pas être ouvert. %1</translation>
    </message>
    <message>
        <source>This version of Guichet cannot open « %1 » links.</source>
        <translation>Cette version de Guichet ne sait pas ouvrir les liens « %1 ».</translation>
    </message>
    <message>
        <source>this computer&apos;s database (standalone mode)</source>
        <translation>la base de données de cet ordinateur (mode autonome)</translation>
    </message>
    <message>
        <source>the server %1</source>
        <translation>le serveur %1</translation>
    </message>
    <message>
        <source>This link belongs to the server %1, but Guichet is set to %2: it was not opened. Open it in a Guichet that uses %1.</source>
        <translation>Ce lien appartient au serveur %1, mais Guichet utilise %2 : il n&apos;a pas été ouvert. Ouvrez-le dans un Guichet qui utilise %1.</translation>
    </message>
    <message>
        <source>Guichet link</source>
        <translation>Lien Guichet</translation>
    </message>
</context>
<context>
    <name>guichet::MailDelivery</name>
    <message>
        <source>&apos;%1&apos; is not an SMTP URL (smtp://host:port or smtps://host:port).</source>
        <translation>« %1 » n&apos;est pas une URL SMTP (smtp://hôte:port ou smtps://hôte:port).</translation>
    </message>
    <message>
        <source>account deactivated: not sent</source>
        <translation>compte désactivé : non envoyé</translation>
    </message>
    <message>
        <source>given up after %1 attempts: %2</source>
        <translation>abandonné après %1 tentatives : %2</translation>
    </message>
    <message>
        <source>could not start a mail transfer</source>
        <translation>impossible de démarrer l&apos;envoi du courriel</translation>
    </message>
</context>
<context>
    <name>guichet::MailSchedule</name>
    <message>
        <source>&apos;%1&apos; is not a time of day: expected HH:MM, e.g. 07:00.</source>
        <translation>« %1 » n’est pas une heure : attendu HH:MM, par exemple 07:00.</translation>
    </message>
    <message>
        <source>&apos;%1&apos; is not a day and a time: expected &lt;day&gt; HH:MM, e.g. &quot;mon 07:00&quot;.</source>
        <translation>« %1 » n’est pas un jour et une heure : attendu &lt;jour&gt; HH:MM, par exemple « mon 07:00 ».</translation>
    </message>
</context>
<context>
    <name>guichet::MainWindow</name>
    <message>
        <source>Guichet</source>
        <translation>Guichet</translation>
    </message>
    <message>
        <source>Open my account</source>
        <translation>Ouvrir mon compte</translation>
    </message>
    <message>
        <source>Sign &amp;out</source>
        <translation>Se &amp;déconnecter</translation>
    </message>
    <message>
        <source>Spaces</source>
        <translation>Espaces</translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation>&amp;Fichier</translation>
    </message>
    <message>
        <source>My &amp;account</source>
        <translation>Mon &amp;compte</translation>
    </message>
    <message>
        <source>&amp;Preferences…</source>
        <translation>&amp;Préférences…</translation>
    </message>
    <message>
        <source>Local &amp;outbox…</source>
        <translation>&amp;Boîte d&apos;envoi locale…</translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation>&amp;Quitter</translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation>&amp;Aide</translation>
    </message>
    <message>
        <source>&amp;About Guichet</source>
        <translation>À &amp;propos de Guichet</translation>
    </message>
    <message>
        <source>About Guichet</source>
        <translation>À propos de Guichet</translation>
    </message>
    <message>
        <source>Guichet %1
Manage your user account: personal information, attachments to structures, subscriptions to spaces and attached files.</source>
        <translation>Guichet %1
Gérez votre compte utilisateur : informations personnelles, rattachements aux structures, abonnements aux espaces et pièces jointes.</translation>
    </message>
    <message>
        <source>My account: %1</source>
        <translation>Mon compte : %1</translation>
    </message>
    <message>
        <source>My account</source>
        <translation>Mon compte</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>Support</translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation>Barre d&apos;outils principale</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
    <message>
        <source>Read the data again (F5)</source>
        <translation>Relire les données (F5)</translation>
    </message>
    <message>
        <source>The mails Guichet sent from this computer</source>
        <translation>Les courriels envoyés par Guichet depuis cet ordinateur</translation>
    </message>
    <message>
        <source>Local outbox</source>
        <translation>Boîte d&apos;envoi locale</translation>
    </message>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation>Afficha&amp;ge</translation>
    </message>
    <message>
        <source>&amp;Toolbar</source>
        <translation>&amp;Barre d&apos;outils</translation>
    </message>
</context>
<context>
    <name>guichet::ManagerActivity</name>
    <message>
        <source>The structure was not found.</source>
        <translation>La structure est introuvable.</translation>
    </message>
    <message>
        <source>Choose the user to attach.</source>
        <translation>Choisissez l’utilisateur à rattacher.</translation>
    </message>
    <message>
        <source>Only an active account can be attached.</source>
        <translation>Seul un compte actif peut être rattaché.</translation>
    </message>
    <message>
        <source>A user is attached as a simple user or a secondary manager.</source>
        <translation>Un utilisateur est rattaché comme utilisateur simple ou gestionnaire secondaire.</translation>
    </message>
    <message>
        <source>Enter the start of validity.</source>
        <translation>Saisissez la date de début de validité.</translation>
    </message>
    <message>
        <source>The end of validity must be after its start.</source>
        <translation>La date de fin de validité doit être postérieure à la date de début de validité.</translation>
    </message>
    <message>
        <source>Choose « Attach to the structure » or check at least one service.</source>
        <translation>Choisissez « Rattacher à la structure » ou cochez au moins un service.</translation>
    </message>
    <message>
        <source>The service %1 is not an active service of %2.</source>
        <translation>Le service %1 n’est pas un service actif de %2.</translation>
    </message>
    <message>
        <source>%1 %2 is already attached to %3 or has a request waiting.</source>
        <translation>%1 %2 est déjà rattaché à %3 ou a une demande en attente.</translation>
    </message>
    <message>
        <source>You were attached to a structure</source>
        <translation>Vous avez été rattaché à une structure</translation>
    </message>
    <message>
        <source>%1 %2 attached you to %3. Open Guichet to see your spaces.</source>
        <translation>%1 %2 vous a rattaché à %3. Ouvrez Guichet pour voir vos espaces.</translation>
    </message>
    <message>
        <source>The attachment was not found.</source>
        <translation>Le rattachement est introuvable.</translation>
    </message>
    <message>
        <source>Only a validated attachment can be ended; decide the request instead.</source>
        <translation>Seul un rattachement validé peut prendre fin ; traitez plutôt la demande.</translation>
    </message>
    <message>
        <source>The principal manager&apos;s attachment cannot be ended: transfer the role to a successor first.</source>
        <translation>Le rattachement du gestionnaire principal ne peut pas prendre fin : transférez d’abord le rôle à un successeur.</translation>
    </message>
    <message>
        <source>Enter the end of validity.</source>
        <translation>Saisissez la fin de validité.</translation>
    </message>
    <message>
        <source>The end of validity cannot be before its start (%1).</source>
        <translation>La fin de validité ne peut pas précéder son début (%1).</translation>
    </message>
    <message>
        <source>End of your attachment</source>
        <translation>Fin de votre rattachement</translation>
    </message>
    <message>
        <source>Your attachment to %1 ends on %2.</source>
        <translation>Votre rattachement à %1 prend fin le %2.</translation>
    </message>
    <message>
        <source>Choose the user whose rights are copied.</source>
        <translation>Choisissez l’utilisateur dont les droits sont copiés.</translation>
    </message>
    <message>
        <source>Choose the user who receives the rights.</source>
        <translation>Choisissez l’utilisateur qui reçoit les droits.</translation>
    </message>
    <message>
        <source>Rights can only be copied to an active account.</source>
        <translation>Les droits ne peuvent être copiés que vers un compte actif.</translation>
    </message>
    <message>
        <source>Choose another user than the one copied.</source>
        <translation>Choisissez un autre utilisateur que celui qui est copié.</translation>
    </message>
    <message>
        <source>Nothing to copy: the user already has every right of the other user on the structures you manage.</source>
        <translation>Rien à copier : l’utilisateur a déjà tous les droits de l’autre utilisateur sur les structures que vous gérez.</translation>
    </message>
    <message>
        <source>New rights in Guichet</source>
        <translation>Nouveaux droits dans Guichet</translation>
    </message>
    <message>
        <source>%1 %2 gave you new rights (%3 attachments, %4 subscriptions to spaces). Open Guichet to see them.</source>
        <translation>%1 %2 vous a donné de nouveaux droits (%3 rattachements, %4 abonnements à des espaces). Ouvrez Guichet pour les voir.</translation>
    </message>
    <message>
        <source>Only the principal manager may transfer the role.</source>
        <translation>Seul le gestionnaire principal peut transférer le rôle.</translation>
    </message>
    <message>
        <source>Whole structure</source>
        <translation>Toute la structure</translation>
    </message>
    <message>
        <source>Hello,

%1 invites you to join %2 in Guichet with the address %3. To accept, open this link:
%4

Reading this mail on another device? In Guichet, click &quot;Create an account&quot;, then &quot;I already have a code&quot;, and paste this code:
%5

If you have no account yet, you will enter your name and choose a password and a secret question; Guichet then opens signed in, attached to %2. The link works once and until %6; a newer mail replaces it.

If you do not know %1, ignore this mail: nothing happens without you.</source>
        <translation>Bonjour,

%1 vous invite à rejoindre %2 dans Guichet avec l’adresse %3. Pour accepter, ouvrez ce lien :
%4

Vous lisez ce message sur un autre appareil ? Dans Guichet, cliquez sur « Créer un compte », puis « J’ai déjà un code », et collez ce code :
%5

Si vous n’avez pas encore de compte, vous saisirez votre nom et choisirez un mot de passe et une question secrète ; Guichet s’ouvre alors connecté, rattaché à %2. Le lien fonctionne une fois, jusqu’au %6 ; un message plus récent le remplace.

Si vous ne connaissez pas %1, ignorez ce message : rien ne se fait sans vous.</translation>
    </message>
    <message>
        <source>You are invited to join %1 in Guichet</source>
        <translation>Vous êtes invité à rejoindre %1 dans Guichet</translation>
    </message>
    <message>
        <source>Hello %1,

%2 invites you to join %3 in Guichet. Your account %4 is deactivated: reactivate it (&quot;Reactivate my account&quot; in the sign-in window) and you will be attached to %3 at once. If it was deactivated more than %5 days ago, write to support from the sign-in window.

If you do not know %2, ignore this mail.</source>
        <translation>Bonjour %1,

%2 vous invite à rejoindre %3 dans Guichet. Votre compte %4 est désactivé : réactivez-le (« Réactiver mon compte » dans la fenêtre de connexion) et vous serez aussitôt rattaché à %3. S’il a été désactivé il y a plus de %5 jours, écrivez au support depuis la fenêtre de connexion.

Si vous ne connaissez pas %2, ignorez ce message.</translation>
    </message>
    <message>
        <source>An invitation was sent to %1. The person is attached with the role and services chosen as soon as their account is activated; until then they appear here as invited, and you can resend the mail.</source>
        <translation>Une invitation a été envoyée à %1. La personne sera rattachée avec le rôle et les services choisis dès l’activation de son compte ; d’ici là, elle figure ici comme invitée et vous pouvez renvoyer le message.</translation>
    </message>
    <message>
        <source>Enter the e-mail address of the person to invite.</source>
        <translation>Saisissez l’adresse électronique de la personne à inviter.</translation>
    </message>
    <message>
        <source>Enter a valid e-mail address (name@example.org).</source>
        <translation>Saisissez une adresse électronique valide (nom@exemple.fr).</translation>
    </message>
    <message>
        <source>A user is invited as a simple user or a secondary manager.</source>
        <translation>Un utilisateur est invité comme simple utilisateur ou comme gestionnaire secondaire.</translation>
    </message>
    <message>
        <source>Choose the invitation&apos;s language.</source>
        <translation>Choisissez la langue de l’invitation.</translation>
    </message>
    <message>
        <source>%1 is already attached to %2 or has a request waiting.</source>
        <translation>%1 est déjà rattaché à %2 ou a une demande en attente.</translation>
    </message>
    <message>
        <source>%1 already had an active account: attached to %2 now.</source>
        <translation>%1 avait déjà un compte actif : rattaché à %2 dès maintenant.</translation>
    </message>
    <message>
        <source>This person is no longer waiting for an invitation: there is no mail to resend.</source>
        <translation>Cette personne n’attend plus d’invitation : il n’y a pas de message à renvoyer.</translation>
    </message>
    <message>
        <source>This invitation was not accepted within %1 days: it is being removed. Invite the person again.</source>
        <translation>Cette invitation n’a pas été acceptée sous %1 jours : elle va être supprimée. Invitez de nouveau la personne.</translation>
    </message>
    <message>
        <source>Invited, waiting for activation</source>
        <translation>Invité, en attente d’activation</translation>
    </message>
    <message>
        <source>Check at least one structure.</source>
        <translation>Cochez au moins une structure.</translation>
    </message>
    <message>
        <source>Check at most %1 structures at once.</source>
        <translation>Cochez au plus %1 structures à la fois.</translation>
    </message>
    <message>
        <source>The structure %1 was not found: nothing was attached.</source>
        <translation>La structure %1 est introuvable : rien n’a été rattaché.</translation>
    </message>
    <message>
        <source>You do not manage %1: nothing was attached.</source>
        <translation>Vous ne gérez pas %1 : rien n’a été rattaché.</translation>
    </message>
    <message>
        <source>%1 %2 is already attached to %3 or has a request waiting: nothing was attached.</source>
        <translation>%1 %2 est déjà rattaché(e) à %3 ou y a une demande en attente : rien n’a été rattaché.</translation>
    </message>
    <message>
        <source>You were attached to structures</source>
        <translation>Vous avez été rattaché à des structures</translation>
    </message>
    <message>
        <source>%1 %2 attached you to: %3. Open Guichet to see your spaces.</source>
        <translation>%1 %2 vous a rattaché à : %3. Ouvrez Guichet pour voir vos espaces.</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Adresse électronique</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Espace</translation>
    </message>
    <message>
        <source>Modes</source>
        <translation>Modes</translation>
    </message>
    <message>
        <source>Validity</source>
        <translation>Validité</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Principal manager</source>
        <translation>Gestionnaire principal</translation>
    </message>
    <message>
        <source>Secondary manager</source>
        <translation>Gestionnaire secondaire</translation>
    </message>
    <message>
        <source>Simple user</source>
        <translation>Utilisateur simple</translation>
    </message>
    <message>
        <source>from %1 to %2</source>
        <translation>du %1 au %2</translation>
    </message>
    <message>
        <source>from %1, no end</source>
        <translation>à partir du %1, sans fin</translation>
    </message>
    <message>
        <source>modification</source>
        <translation>modification</translation>
    </message>
    <message>
        <source>consultation</source>
        <translation>consultation</translation>
    </message>
    <message>
        <source>Check at most %1 services at once.</source>
        <translation>Cochez au plus %1 services à la fois.</translation>
    </message>
    <message>
        <source>The service %1 was not found: nothing was attached.</source>
        <translation>Le service %1 est introuvable : rien n’a été rattaché.</translation>
    </message>
    <message>
        <source>The service %1 (%2) belongs to %3, which is not checked: nothing was attached.</source>
        <translation>Le service %1 (%2) appartient à %3, qui n’est pas cochée : rien n’a été rattaché.</translation>
    </message>
    <message>
        <source>The service %1 is not an active service of %2: nothing was attached.</source>
        <translation>Le service %1 n’est pas un service actif de %2 : rien n’a été rattaché.</translation>
    </message>
</context>
<context>
    <name>guichet::ManagerActivityPage</name>
    <message>
        <source>&lt;h3&gt;Manager&apos;s activity&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Activité du gestionnaire&lt;/h3&gt;</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>&amp;Structure:</source>
        <translation>&amp;Structure :</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Yes</source>
        <translation>Oui</translation>
    </message>
    <message>
        <source>No</source>
        <translation>Non</translation>
    </message>
    <message>
        <source>Space set at structure level</source>
        <translation>Espace paramétré au niveau de la structure</translation>
    </message>
    <message>
        <source>&amp;Pending requests</source>
        <translation>&amp;Demandes en attente</translation>
    </message>
    <message>
        <source>&amp;Users</source>
        <translation>&amp;Utilisateurs</translation>
    </message>
    <message>
        <source>S&amp;tructure</source>
        <translation>S&amp;tructure</translation>
    </message>
    <message>
        <source>&amp;History</source>
        <translation>&amp;Historique</translation>
    </message>
    <message>
        <source>Attachment requests</source>
        <translation>Demandes de rattachement</translation>
    </message>
    <message>
        <source>Subscription requests</source>
        <translation>Demandes d’abonnement</translation>
    </message>
    <message>
        <source>C&amp;onsult</source>
        <translation>C&amp;onsulter</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>&amp;Refuse</source>
        <translation>&amp;Refuser</translation>
    </message>
    <message>
        <source>Consult</source>
        <translation>Consulter</translation>
    </message>
    <message>
        <source>Validate</source>
        <translation>Valider</translation>
    </message>
    <message>
        <source>Refuse</source>
        <translation>Refuser</translation>
    </message>
    <message>
        <source>Users of the structure</source>
        <translation>Utilisateurs de la structure</translation>
    </message>
    <message>
        <source>Make &amp;secondary manager</source>
        <translation>Nommer gestionnaire &amp;secondaire</translation>
    </message>
    <message>
        <source>Make si&amp;mple user</source>
        <translation>Rendre utilisateur si&amp;mple</translation>
    </message>
    <message>
        <source>&amp;End the attachment…</source>
        <translation>&amp;Mettre fin au rattachement…</translation>
    </message>
    <message>
        <source>Re&amp;move the attachment…</source>
        <translation>Supp&amp;rimer le rattachement…</translation>
    </message>
    <message>
        <source>&amp;Attach a user…</source>
        <translation>R&amp;attacher un utilisateur…</translation>
    </message>
    <message>
        <source>Cop&amp;y the rights…</source>
        <translation>Cop&amp;ier les droits…</translation>
    </message>
    <message>
        <source>Make secondary manager</source>
        <translation>Nommer gestionnaire secondaire</translation>
    </message>
    <message>
        <source>Make simple user</source>
        <translation>Rendre utilisateur simple</translation>
    </message>
    <message>
        <source>End the attachment…</source>
        <translation>Mettre fin au rattachement…</translation>
    </message>
    <message>
        <source>Remove the attachment</source>
        <translation>Supprimer le rattachement</translation>
    </message>
    <message>
        <source>Copy the rights…</source>
        <translation>Copier les droits…</translation>
    </message>
    <message>
        <source>Structure record</source>
        <translation>Fiche structure</translation>
    </message>
    <message>
        <source>Consult / &amp;modify…</source>
        <translation>Consulter / &amp;modifier…</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Code of the new service</source>
        <translation>Code du nouveau service</translation>
    </message>
    <message>
        <source>Name of the new service</source>
        <translation>Nom du nouveau service</translation>
    </message>
    <message>
        <source>Add the ser&amp;vice</source>
        <translation>Ajouter le ser&amp;vice</translation>
    </message>
    <message>
        <source>Deactivate / reactivate</source>
        <translation>Désactiver / réactiver</translation>
    </message>
    <message>
        <source>Spaces set at structure level</source>
        <translation>Espaces paramétrés au niveau de la structure</translation>
    </message>
    <message>
        <source>Space to set at structure level</source>
        <translation>Espace à paramétrer au niveau de la structure</translation>
    </message>
    <message>
        <source>Add the s&amp;pace</source>
        <translation>Ajouter l’es&amp;pace</translation>
    </message>
    <message>
        <source>Remove the space</source>
        <translation>Supprimer l’espace</translation>
    </message>
    <message>
        <source>Principal manager</source>
        <translation>Gestionnaire principal</translation>
    </message>
    <message>
        <source>Secondary managers have the principal manager&apos;s po&amp;wers</source>
        <translation>Les gestionnaires secondaires ont les &amp;pouvoirs du gestionnaire principal</translation>
    </message>
    <message>
        <source>Trans&amp;fer the principal manager&apos;s role…</source>
        <translation>Trans&amp;férer le rôle de gestionnaire principal…</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) have been waiting for more than %1 days.</source>
        <translation>
            <numerusform>%n demande attend depuis plus de %1 jours.</numerusform>
            <numerusform>%n demandes attendent depuis plus de %1 jours.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s) end within %1 days.</source>
        <translation>
            <numerusform>%n rattachement prend fin dans les %1 jours.</numerusform>
            <numerusform>%n rattachements prennent fin dans les %1 jours.</numerusform>
        </translation>
    </message>
    <message>
        <source>You manage no structure today: there is nothing to decide here.</source>
        <translation>Vous ne gérez aucune structure aujourd’hui : il n’y a rien à décider ici.</translation>
    </message>
    <message>
        <source>You are a secondary manager of %1 and its principal manager has not given secondary managers the principal&apos;s powers: you can consult this page but not change anything.</source>
        <translation>Vous êtes gestionnaire secondaire de %1 et son gestionnaire principal n’a pas donné aux gestionnaires secondaires les pouvoirs du gestionnaire principal : vous pouvez consulter cette page mais n’y rien modifier.</translation>
    </message>
    <message>
        <source>&amp;Comment for the requester (optional):</source>
        <translation>&amp;Commentaire pour le demandeur (facultatif) :</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Commentaire</translation>
    </message>
    <message>
        <source>Validate attachment requests</source>
        <translation>Valider des demandes de rattachement</translation>
    </message>
    <message>
        <source>Refuse attachment requests</source>
        <translation>Refuser des demandes de rattachement</translation>
    </message>
    <message numerus="yes">
        <source>Validate %n attachment request(s)?</source>
        <translation>
            <numerusform>Valider %n demande de rattachement ?</numerusform>
            <numerusform>Valider %n demandes de rattachement ?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refuse %n attachment request(s)?</source>
        <translation>
            <numerusform>Refuser %n demande de rattachement ?</numerusform>
            <numerusform>Refuser %n demandes de rattachement ?</numerusform>
        </translation>
    </message>
    <message>
        <source>Validate subscription requests</source>
        <translation>Valider des demandes d’abonnement</translation>
    </message>
    <message>
        <source>Refuse subscription requests</source>
        <translation>Refuser des demandes d’abonnement</translation>
    </message>
    <message numerus="yes">
        <source>Validate %n subscription request(s)?</source>
        <translation>
            <numerusform>Valider %n demande d’abonnement ?</numerusform>
            <numerusform>Valider %n demandes d’abonnement ?</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Refuse %n subscription request(s)?</source>
        <translation>
            <numerusform>Refuser %n demande d’abonnement ?</numerusform>
            <numerusform>Refuser %n demandes d’abonnement ?</numerusform>
        </translation>
    </message>
    <message>
        <source>Attachment request</source>
        <translation>Demande de rattachement</translation>
    </message>
    <message>
        <source>none</source>
        <translation>aucune</translation>
    </message>
    <message>
        <source>Subscription request</source>
        <translation>Demande d’abonnement</translation>
    </message>
    <message>
        <source>End the attachment</source>
        <translation>Mettre fin au rattachement</translation>
    </message>
    <message>
        <source>End of validity</source>
        <translation>Fin de validité</translation>
    </message>
    <message>
        <source>Attachment of %1 to %2 ends on:</source>
        <translation>Le rattachement de %1 à %2 prend fin le :</translation>
    </message>
    <message>
        <source>Remove the attachment of %1 to %2? Their subscriptions there go too.</source>
        <translation>Supprimer le rattachement de %1 à %2 ? Ses abonnements sur cette structure sont aussi supprimés.</translation>
    </message>
    <message>
        <source>Copy the rights of %1 to…</source>
        <translation>Copier les droits de %1 vers…</translation>
    </message>
    <message numerus="yes">
        <source>%1 is set for the structure: %n subscription request(s) were generated for its users.</source>
        <translation>
            <numerusform>%1 est paramétré pour la structure : %n demande d’abonnement a été générée pour ses utilisateurs.</numerusform>
            <numerusform>%1 est paramétré pour la structure : %n demandes d’abonnement ont été générées pour ses utilisateurs.</numerusform>
        </translation>
    </message>
    <message>
        <source>Remove %1 from the structure? The subscriptions it generated end; the users&apos; own requests and default spaces stay.</source>
        <translation>Retirer %1 de la structure ? Les abonnements qu’il a générés prennent fin ; les demandes propres des utilisateurs et les espaces par défaut restent.</translation>
    </message>
    <message numerus="yes">
        <source>%1 was removed from the structure: %n subscription(s) ended.</source>
        <translation>
            <numerusform>%1 a été retiré de la structure : %n abonnement a pris fin.</numerusform>
            <numerusform>%1 a été retiré de la structure : %n abonnements ont pris fin.</numerusform>
        </translation>
    </message>
    <message>
        <source>Transfer the principal manager&apos;s role</source>
        <translation>Transférer le rôle de gestionnaire principal</translation>
    </message>
    <message>
        <source>Choose the new principal manager of %1 among its users. You stay attached as a simple user.</source>
        <translation>Choisissez le nouveau gestionnaire principal de %1 parmi ses utilisateurs. Vous restez rattaché comme utilisateur simple.</translation>
    </message>
    <message>
        <source>New principal manager</source>
        <translation>Nouveau gestionnaire principal</translation>
    </message>
    <message>
        <source>Make %1 the principal manager of %2?</source>
        <translation>Faire de %1 le gestionnaire principal de %2 ?</translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) validated; the requesters have been notified by e-mail.</source>
        <translation>
            <numerusform>%n demande validée ; le demandeur a été prévenu par courriel.</numerusform>
            <numerusform>%n demandes validées ; les demandeurs ont été prévenus par courriel.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n request(s) refused; the requesters have been notified by e-mail.</source>
        <translation>
            <numerusform>%n demande refusée ; le demandeur a été prévenu par courriel.</numerusform>
            <numerusform>%n demandes refusées ; les demandeurs ont été prévenus par courriel.</numerusform>
        </translation>
    </message>
    <message>
        <source>You manage no structure today: no request waits for you.</source>
        <translation>Vous ne gérez aucune structure aujourd’hui : aucune demande ne vous attend.</translation>
    </message>
    <message>
        <source>No pending attachment request for %1.</source>
        <translation>Aucune demande de rattachement en attente pour %1.</translation>
    </message>
    <message>
        <source>No pending subscription request for %1.</source>
        <translation>Aucune demande d’abonnement en attente pour %1.</translation>
    </message>
    <message>
        <source>Choose a structure you manage.</source>
        <translation>Choisissez une structure que vous gérez.</translation>
    </message>
    <message>
        <source>Nobody is attached to %1 yet. Attach a user to give them access.</source>
        <translation>Personne n’est encore rattaché à %1. Rattachez un utilisateur pour lui donner accès.</translation>
    </message>
    <message>
        <source>%1 has no service yet. Type a code and a name below to add one.</source>
        <translation>%1 n’a encore aucun service. Saisissez un code et un nom ci-dessous pour en ajouter un.</translation>
    </message>
    <message>
        <source>No space is set at structure level for %1. Choose a space below to set it for all its users.</source>
        <translation>Aucun espace n’est positionné au niveau de la structure pour %1. Choisissez un espace ci-dessous pour le positionner pour tous ses utilisateurs.</translation>
    </message>
    <message numerus="yes">
        <source>All my structures (%n)</source>
        <translation>
            <numerusform>Toutes mes structures (%n)</numerusform>
            <numerusform>Toutes mes structures (%n)</numerusform>
        </translation>
    </message>
    <message>
        <source>your structures</source>
        <translation>vos structures</translation>
    </message>
    <message>
        <source>Choose one of your structures in the list above.</source>
        <translation>Choisissez une de vos structures dans la liste ci-dessus.</translation>
    </message>
    <message>
        <source>%1 received %2 and %3.</source>
        <comment>copied rights: attachments, subscriptions</comment>
        <translation>%1 a reçu %2 et %3.</translation>
    </message>
    <message numerus="yes">
        <source>%n attachment(s)</source>
        <translation>
            <numerusform>%n rattachement</numerusform>
            <numerusform>%n rattachements</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n subscription(s)</source>
        <translation>
            <numerusform>%n abonnement</numerusform>
            <numerusform>%n abonnements</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Invite a user…</source>
        <translation>&amp;Inviter un utilisateur…</translation>
    </message>
    <message>
        <source>Resend the i&amp;nvitation</source>
        <translation>Renvoyer l’i&amp;nvitation</translation>
    </message>
    <message>
        <source>Attach to several s&amp;tructures…</source>
        <translation>Rattacher à plusieurs s&amp;tructures…</translation>
    </message>
    <message>
        <source>Subscribe in &amp;bulk…</source>
        <translation>A&amp;bonner en masse…</translation>
    </message>
    <message>
        <source>E&amp;xport the users…</source>
        <translation>E&amp;xporter les utilisateurs…</translation>
    </message>
    <message>
        <source>Attach to several structures</source>
        <translation>Rattacher à plusieurs structures</translation>
    </message>
    <message numerus="yes">
        <source>%1 was attached to %n structure(s).</source>
        <translation>
            <numerusform>%1 a été rattaché(e) à %n structure.</numerusform>
            <numerusform>%1 a été rattaché(e) à %n structures.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 for %2.</source>
        <comment>bulk subscriptions: subscriptions, users</comment>
        <translation>%1 pour %2.</translation>
    </message>
    <message numerus="yes">
        <source>%n subscription(s) added</source>
        <translation>
            <numerusform>%n abonnement ajouté</numerusform>
            <numerusform>%n abonnements ajoutés</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n user(s)</source>
        <translation>
            <numerusform>%n utilisateur</numerusform>
            <numerusform>%n utilisateurs</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the users with their rights</source>
        <translation>Exporter les utilisateurs avec leurs droits</translation>
    </message>
    <message>
        <source>users.csv</source>
        <translation>utilisateurs.csv</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>The file %1 could not be written: %2</source>
        <translation>Le fichier %1 n’a pas pu être écrit : %2</translation>
    </message>
    <message>
        <source>The users of %1 were exported to %2.</source>
        <translation>Les utilisateurs de %1 ont été exportés dans %2.</translation>
    </message>
    <message>
        <source>Users ma&amp;y add or remove « %1 » themselves</source>
        <translation>Les utilisateurs peuvent ajouter ou retirer « %1 » eu&amp;x-mêmes</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
    <message>
        <source>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2&lt;br&gt;%3&lt;br&gt;%4 %5</source>
        <translation>&lt;b&gt;%1&lt;/b&gt;&lt;br&gt;%2&lt;br&gt;%3&lt;br&gt;%4 %5</translation>
    </message>
    <message>
        <source>Requester: %1 &lt;%2&gt;
Structure: %3 (%4)
Role: %5
Start of validity: %6
End of validity: %7
Services: %8
Requested on: %9</source>
        <translation>Demandeur : %1 &lt;%2&gt;
Structure : %3 (%4)
Rôle : %5
Début de validité : %6
Fin de validité : %7
Services : %8
Demandé le : %9</translation>
    </message>
    <message>
        <source>Requester: %1 &lt;%2&gt;
Structure: %3 (%4)
Space: %5
Service: %6
Mode: %7
Effective on: %8
Comment: %9</source>
        <translation>Demandeur : %1 &lt;%2&gt;
Structure : %3 (%4)
Espace : %5
Service : %6
Mode : %7
Effectif le : %8
Commentaire : %9</translation>
    </message>
    <message numerus="yes">
        <source>%n of them ask(s) to remove a subscription: validating removes it.</source>
        <translation>
            <numerusform>%n d&apos;entre elles demande la suppression d&apos;un abonnement : valider le supprime.</numerusform>
            <numerusform>%n d&apos;entre elles demandent la suppression d&apos;un abonnement : valider le supprime.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n of them ask(s) to remove a subscription: refusing keeps it active.</source>
        <translation>
            <numerusform>%n d&apos;entre elles demande la suppression d&apos;un abonnement : refuser le maintient actif.</numerusform>
            <numerusform>%n d&apos;entre elles demandent la suppression d&apos;un abonnement : refuser le maintient actif.</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 asks to remove this subscription, validated and active until you decide (asked on %2).</source>
        <translation>%1 demande la suppression de cet abonnement, validé et actif jusqu&apos;à votre décision (demande du %2).</translation>
    </message>
    <message>
        <source>Removal request</source>
        <translation>Demande de suppression</translation>
    </message>
</context>
<context>
    <name>guichet::ManagerCommandDialog</name>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
</context>
<context>
    <name>guichet::MessageBar</name>
    <message>
        <source>Close the message</source>
        <translation>Fermer le message</translation>
    </message>
</context>
<context>
    <name>guichet::NotificationsSection</name>
    <message>
        <source>&amp;Receive notifications</source>
        <translation>&amp;Recevoir des notifications</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>When this box is checked, you receive every day, at your contact e-mail address, a mail about new events and the progress of your invoices through their life-cycle statuses. A weekly summary of the movements on your structures is sent as well.

Uncheck the box to stop being informed by mail.</source>
        <translation>Lorsque cette case est cochée, vous recevez chaque jour, à votre adresse électronique de contact, un courriel sur les nouveaux événements et l&apos;avancement du traitement de vos factures au travers des statuts de cycle de vie. Un récapitulatif hebdomadaire des mouvements effectués sur vos structures vous est également envoyé.

Décochez la case pour ne plus être informé par courriel.</translation>
    </message>
    <message>
        <source>Contact e-mail</source>
        <translation>Adresse électronique de contact</translation>
    </message>
    <message>
        <source>The same address as in Personal information: changing it here changes it there too.</source>
        <translation>La même adresse que dans Informations personnelles : la modifier ici la modifie aussi là-bas.</translation>
    </message>
    <message>
        <source>Con&amp;tact e-mail:</source>
        <translation>Adresse électronique de &amp;contact :</translation>
    </message>
    <message>
        <source>Put back what is saved</source>
        <translation>Rétablir les valeurs enregistrées</translation>
    </message>
    <message>
        <source>Notifications are on: they are sent to %1.</source>
        <translation>Les notifications sont activées : elles sont envoyées à %1.</translation>
    </message>
    <message>
        <source>Notifications are off.</source>
        <translation>Les notifications sont désactivées.</translation>
    </message>
</context>
<context>
    <name>guichet::OutboxDialog</name>
    <message>
        <source>No mail in the local outbox.</source>
        <translation>Aucun courriel dans la boîte d&apos;envoi locale.</translation>
    </message>
    <message>
        <source>Local outbox</source>
        <translation>Boîte d&apos;envoi locale</translation>
    </message>
    <message>
        <source>In standalone mode, the mails Guichet sends are kept here: open one to read it, for example to copy your reactivation link.</source>
        <translation>En mode autonome, les courriels envoyés par Guichet sont conservés ici : ouvrez-en un pour le lire, par exemple pour copier votre lien de réactivation.</translation>
    </message>
    <message>
        <source>Mails</source>
        <translation>Courriels</translation>
    </message>
    <message>
        <source>Text of the selected mail</source>
        <translation>Texte du courriel sélectionné</translation>
    </message>
    <message>
        <source>&amp;Text of the mail:</source>
        <translation>&amp;Texte du courriel :</translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation>&amp;Actualiser</translation>
    </message>
</context>
<context>
    <name>guichet::OutboxModel</name>
    <message>
        <source>Date</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>Recipient</source>
        <translation>Destinataire</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Sent</source>
        <translation>Envoyé</translation>
    </message>
    <message>
        <source>Pending</source>
        <translation>En attente</translation>
    </message>
</context>
<context>
    <name>guichet::PasswordPolicy</name>
    <message>
        <source>The password must have at least %1 characters.</source>
        <translation>Le mot de passe doit comporter au moins %1 caractères.</translation>
    </message>
    <message>
        <source>The password must mix at least 3 of: lower-case letters, upper-case letters, digits, other characters.</source>
        <translation>Le mot de passe doit combiner au moins 3 des types de caractères suivants : lettres minuscules, lettres majuscules, chiffres, autres caractères.</translation>
    </message>
    <message>
        <source>The password must not contain your e-mail address (the part before @).</source>
        <translation>Le mot de passe ne doit pas contenir votre adresse électronique (la partie avant @).</translation>
    </message>
    <message>
        <source>The new password must be different from the current one.</source>
        <translation>Le nouveau mot de passe doit être différent du mot de passe actuel.</translation>
    </message>
</context>
<context>
    <name>guichet::PendingAttachmentModel</name>
    <message>
        <source>Requester</source>
        <translation>Demandeur</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Courriel</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Validity</source>
        <translation>Validité</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>En attente depuis</translation>
    </message>
</context>
<context>
    <name>guichet::PendingRequests</name>
    <message numerus="yes">
        <source>%n day(s)</source>
        <translation>
            <numerusform>%n jour</numerusform>
            <numerusform>%n jours</numerusform>
        </translation>
    </message>
    <message>
        <source>%1 — overdue</source>
        <translation>%1 — en retard</translation>
    </message>
    <message numerus="yes">
        <source>Waiting for more than %n day(s)</source>
        <translation>
            <numerusform>En attente depuis plus de %n jour</numerusform>
            <numerusform>En attente depuis plus de %n jours</numerusform>
        </translation>
    </message>
    <message>
        <source>Requested on %1</source>
        <translation>Demandé le %1</translation>
    </message>
</context>
<context>
    <name>guichet::PendingSubscriptionModel</name>
    <message>
        <source>Requester</source>
        <translation>Demandeur</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Espace</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Effective on</source>
        <translation>Effectif le</translation>
    </message>
    <message>
        <source>Waiting</source>
        <translation>En attente depuis</translation>
    </message>
    <message>
        <source>Request</source>
        <translation>Demande</translation>
    </message>
    <message>
        <source>Removal</source>
        <translation>Suppression</translation>
    </message>
    <message>
        <source>Subscription</source>
        <translation>Abonnement</translation>
    </message>
</context>
<context>
    <name>guichet::Permissions</name>
    <message>
        <source>You do not manage this structure.</source>
        <translation>Vous n&apos;êtes pas gestionnaire de cette structure.</translation>
    </message>
</context>
<context>
    <name>guichet::PersonalInfoSection</name>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>&amp;Cancel</source>
        <translation>&amp;Annuler</translation>
    </message>
    <message>
        <source>General information</source>
        <translation>Informations générales</translation>
    </message>
    <message>
        <source>Sign-in e-mail:</source>
        <translation>Adresse électronique de connexion :</translation>
    </message>
    <message>
        <source>Con&amp;tact e-mail:</source>
        <translation>Adresse électronique de &amp;contact :</translation>
    </message>
    <message>
        <source>Contact e-mail</source>
        <translation>Adresse électronique de contact</translation>
    </message>
    <message>
        <source>This address is used to receive notifications (see Notifications).</source>
        <translation>Cette adresse est utilisée pour recevoir des notifications (voir Notifications).</translation>
    </message>
    <message>
        <source>&amp;Last name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>&amp;First name:</source>
        <translation>&amp;Prénom :</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Prénom</translation>
    </message>
    <message>
        <source>Postal address</source>
        <translation>Adresse postale</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>A&amp;dresse :</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>&amp;Postal code:</source>
        <translation>C&amp;ode postal :</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>C&amp;ity:</source>
        <translation>V&amp;ille :</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ville</translation>
    </message>
    <message>
        <source>Co&amp;untry:</source>
        <translation>Pa&amp;ys :</translation>
    </message>
    <message>
        <source>Country</source>
        <translation>Pays</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Fill in these fields only to change your password. The new password needs at least %1 characters mixing at least 3 of: lower-case letters, upper-case letters, digits, other characters; it must not contain the part of your sign-in e-mail before the @, and must differ from the current password.</source>
        <translation>Ne remplissez ces champs que pour changer de mot de passe. Le nouveau mot de passe doit comporter au moins %1 caractères combinant au moins 3 des types suivants : lettres minuscules, lettres majuscules, chiffres, autres caractères ; il ne doit pas contenir la partie de votre adresse électronique de connexion située avant le @ et doit être différent du mot de passe actuel.</translation>
    </message>
    <message>
        <source>Cu&amp;rrent password:</source>
        <translation>&amp;Mot de passe actuel :</translation>
    </message>
    <message>
        <source>Current password</source>
        <translation>Mot de passe actuel</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>No&amp;uveau mot de passe :</translation>
    </message>
    <message>
        <source>New password</source>
        <translation>Nouveau mot de passe</translation>
    </message>
    <message>
        <source>C&amp;onfirmation:</source>
        <translation>Con&amp;firmation :</translation>
    </message>
    <message>
        <source>Confirmation of the new password</source>
        <translation>Confirmation du nouveau mot de passe</translation>
    </message>
    <message>
        <source>Secret question</source>
        <translation>Question secrète</translation>
    </message>
    <message>
        <source>Changing the question or its answer needs your current password (above). The answer is never shown: leave it empty to keep it.</source>
        <translation>Pour changer la question ou sa réponse, saisissez votre mot de passe actuel (ci-dessus). La réponse n&apos;est jamais affichée : laissez le champ vide pour la conserver.</translation>
    </message>
    <message>
        <source>&amp;Question:</source>
        <translation>&amp;Question :</translation>
    </message>
    <message>
        <source>An&amp;swer:</source>
        <translation>&amp;Réponse :</translation>
    </message>
    <message>
        <source>Answer to the secret question</source>
        <translation>Réponse à la question secrète</translation>
    </message>
    <message>
        <source>Leave empty to keep the current answer</source>
        <translation>Laisser vide pour conserver la réponse actuelle</translation>
    </message>
    <message>
        <source>Save all your personal information</source>
        <translation>Enregistrer l&apos;ensemble de vos informations personnelles</translation>
    </message>
    <message>
        <source>Put back what is saved</source>
        <translation>Rétablir les valeurs enregistrées</translation>
    </message>
    <message>
        <source>No answer saved yet</source>
        <translation>Aucune réponse enregistrée pour l&apos;instant</translation>
    </message>
    <message>
        <source>Your personal information has been saved.</source>
        <translation>Vos informations personnelles ont été enregistrées.</translation>
    </message>
    <message>
        <source>Your password has been changed.</source>
        <translation>Votre mot de passe a été modifié.</translation>
    </message>
    <message>
        <source>Your secret question has been changed.</source>
        <translation>Votre question secrète a été modifiée.</translation>
    </message>
</context>
<context>
    <name>guichet::PreferencesDialog</name>
    <message>
        <source>Preferences</source>
        <translation>Préférences</translation>
    </message>
    <message>
        <source>Interface language</source>
        <translation>Langue de l&apos;interface</translation>
    </message>
    <message>
        <source>System language</source>
        <translation>Langue du système</translation>
    </message>
    <message>
        <source>&amp;Language:</source>
        <translation>&amp;Langue :</translation>
    </message>
    <message>
        <source>A new language applies the next time Guichet starts.</source>
        <translation>Une nouvelle langue s&apos;applique au prochain démarrage de Guichet.</translation>
    </message>
    <message>
        <source>Flag pending requests older than (days)</source>
        <translation>Signaler les demandes en attente depuis plus de (jours)</translation>
    </message>
    <message>
        <source> days</source>
        <translation> jours</translation>
    </message>
    <message>
        <source>Flag pending requests &amp;older than:</source>
        <translation>Signaler les demandes en attente depuis &amp;plus de :</translation>
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
    <name>guichet::QueuedChange</name>
    <message>
        <source>The server cannot be reached right now: your change is kept on this computer and will be sent when the server is reachable. The status bar shows the changes waiting.</source>
        <translation>Le serveur est injoignable pour le moment : votre modification est conservée sur cet ordinateur et sera envoyée quand le serveur sera joignable. La barre d’état montre les modifications en attente.</translation>
    </message>
</context>
<context>
    <name>guichet::ReactivationDialog</name>
    <message>
        <source>New password</source>
        <translation>Nouveau mot de passe</translation>
    </message>
    <message>
        <source>Confirmation of the new password</source>
        <translation>Confirmation du nouveau mot de passe</translation>
    </message>
    <message>
        <source>Answer to the secret question</source>
        <translation>Réponse à la question secrète</translation>
    </message>
    <message>
        <source>I already have a &amp;code</source>
        <translation>J&apos;ai déjà un &amp;code</translation>
    </message>
    <message>
        <source>Open the local &amp;outbox</source>
        <translation>Ouvrir la &amp;boîte d&apos;envoi locale</translation>
    </message>
    <message>
        <source>Ask for a new &amp;mail</source>
        <translation>Demander un &amp;nouveau courriel</translation>
    </message>
    <message>
        <source>Contact &amp;support…</source>
        <translation>Contacter le &amp;support…</translation>
    </message>
    <message>
        <source>Reactivate my account</source>
        <translation>Réactiver mon compte</translation>
    </message>
    <message>
        <source>A deactivated account can be reactivated within %1 days of its deactivation; until then it can do nothing else.</source>
        <translation>Un compte désactivé peut être réactivé dans un délai de %1 jours après sa désactivation ; tant qu&apos;il n&apos;est pas réactivé, il ne peut rien faire d&apos;autre.</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>Adresse électronique</translation>
    </message>
    <message>
        <source>name@example.org</source>
        <translation>nom@exemple.fr</translation>
    </message>
    <message>
        <source>&amp;E-mail address:</source>
        <translation>&amp;Adresse électronique :</translation>
    </message>
    <message>
        <source>Click &quot;Validate&quot;: a mail with a reactivation link is sent to you.</source>
        <translation>Cliquez sur « Valider » : un courriel contenant un lien de réactivation vous est envoyé.</translation>
    </message>
    <message>
        <source>Link or code from the mail</source>
        <translation>Lien ou code du courriel</translation>
    </message>
    <message>
        <source>guichet://reactivate?token=…</source>
        <translation>guichet://reactivate?token=…</translation>
    </message>
    <message>
        <source>New secret question</source>
        <translation>Nouvelle question secrète</translation>
    </message>
    <message>
        <source>At least %1 characters, with at least 3 kinds among lower-case letters, upper-case letters, digits and other characters; not containing the name part of your e-mail address; different from your former password.</source>
        <translation>Au moins %1 caractères, dont au moins 3 types parmi lettres minuscules, lettres majuscules, chiffres et autres caractères ; sans la partie de votre adresse électronique située avant le @ ; différent de votre ancien mot de passe.</translation>
    </message>
    <message>
        <source>&amp;Link or code from the mail:</source>
        <translation>&amp;Lien ou code du courriel :</translation>
    </message>
    <message>
        <source>&amp;New password:</source>
        <translation>No&amp;uveau mot de passe :</translation>
    </message>
    <message>
        <source>Con&amp;firmation:</source>
        <translation>&amp;Confirmation :</translation>
    </message>
    <message>
        <source>New secret &amp;question:</source>
        <translation>Nouvelle &amp;question secrète :</translation>
    </message>
    <message>
        <source>&amp;Answer:</source>
        <translation>&amp;Réponse :</translation>
    </message>
    <message>
        <source>Standalone mode: the mails Guichet sent, such as the reactivation link.</source>
        <translation>Mode autonome : les courriels envoyés par Guichet, comme le lien de réactivation.</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>Complete this field: e-mail address.</source>
        <translation>Complétez ce champ : adresse électronique.</translation>
    </message>
    <message>
        <source>%1 The mail is valid for 24 hours: open its link, or paste the link or its code below. In standalone mode, read it in the local outbox.</source>
        <translation>%1 Le courriel est valable 24 heures : ouvrez son lien, ou collez ci-dessous le lien ou son code. En mode autonome, lisez-le dans la boîte d&apos;envoi locale.</translation>
    </message>
    <message>
        <source>link or code from the mail</source>
        <translation>lien ou code du courriel</translation>
    </message>
    <message>
        <source>new password</source>
        <translation>nouveau mot de passe</translation>
    </message>
    <message>
        <source>confirmation</source>
        <translation>confirmation</translation>
    </message>
    <message>
        <source>new secret question</source>
        <translation>nouvelle question secrète</translation>
    </message>
    <message>
        <source>answer</source>
        <translation>réponse</translation>
    </message>
    <message>
        <source>Complete these fields: %1.</source>
        <translation>Complétez les champs suivants : %1.</translation>
    </message>
    <message>
        <source>The confirmation differs from the new password.</source>
        <translation>La confirmation diffère du nouveau mot de passe.</translation>
    </message>
    <message>
        <source>Your account is reactivated. Sign in with your new password.</source>
        <translation>Votre compte est réactivé. Connectez-vous avec votre nouveau mot de passe.</translation>
    </message>
    <message>
        <source>Reactivation of my account</source>
        <translation>Réactivation de mon compte</translation>
    </message>
    <message>
        <source>The code of your link is filled in: choose a new password, a new secret question and its answer, then click &quot;Validate&quot;.</source>
        <translation>Le code de votre lien est renseigné : choisissez un nouveau mot de passe, une nouvelle question secrète et sa réponse, puis cliquez sur « Valider ».</translation>
    </message>
</context>
<context>
    <name>guichet::RecordModelBase</name>
    <message>
        <source>Select this row</source>
        <translation>Sélectionner cette ligne</translation>
    </message>
    <message>
        <source>Selection</source>
        <translation>Sélection</translation>
    </message>
</context>
<context>
    <name>guichet::RecordTable</name>
    <message>
        <source>Filter the table…</source>
        <translation>Filtrer le tableau…</translation>
    </message>
    <message>
        <source>Filter the table</source>
        <translation>Filtrer le tableau</translation>
    </message>
</context>
<context>
    <name>guichet::RemoteCommandGateway</name>
    <message>
        <source>The server cannot be reached (%1).</source>
        <translation>Le serveur est injoignable (%1).</translation>
    </message>
    <message>
        <source>The server refused the request (HTTP status %1).</source>
        <translation>Le serveur a refusé la requête (statut HTTP %1).</translation>
    </message>
    <message>
        <source>The server gave an unexpected answer (HTTP status %1).</source>
        <translation>Le serveur a donné une réponse inattendue (statut HTTP %1).</translation>
    </message>
    <message>
        <source>Sign in first.</source>
        <translation>Connectez-vous d’abord.</translation>
    </message>
    <message>
        <source>This change needs the server: try again when it is reachable.</source>
        <translation>Cette modification a besoin du serveur : réessayez quand il sera joignable.</translation>
    </message>
</context>
<context>
    <name>guichet::RemoteDirectory</name>
    <message>
        <source>The file received from the server is damaged; try again.</source>
        <translation>Le fichier reçu du serveur est endommagé ; réessayez.</translation>
    </message>
</context>
<context>
    <name>guichet::Replica</name>
    <message>
        <source>The server sent a malformed change page (%1).</source>
        <translation>Le serveur a envoyé une page de modifications mal formée (%1).</translation>
    </message>
    <message>
        <source>The change page could not be applied: %1</source>
        <translation>La page de modifications n’a pas pu être appliquée : %1</translation>
    </message>
</context>
<context>
    <name>guichet::SignInDialog</name>
    <message>
        <source>&amp;Sign in</source>
        <translation>Se &amp;connecter</translation>
    </message>
    <message>
        <source>&amp;Reactivate my account</source>
        <translation>&amp;Réactiver mon compte</translation>
    </message>
    <message>
        <source>Guichet</source>
        <translation>Guichet</translation>
    </message>
    <message>
        <source>Sign in to manage your user account.</source>
        <translation>Connectez-vous pour gérer votre compte utilisateur.</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>Adresse électronique</translation>
    </message>
    <message>
        <source>name@example.org</source>
        <translation>nom@exemple.fr</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>&amp;E-mail address:</source>
        <translation>&amp;Adresse électronique :</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <source>Your account was deactivated: ask for the reactivation mail.</source>
        <translation>Votre compte a été désactivé : demandez le courriel de réactivation.</translation>
    </message>
    <message>
        <source>Local &amp;outbox</source>
        <translation>&amp;Boîte d&apos;envoi locale</translation>
    </message>
    <message>
        <source>Standalone mode: the mails Guichet sent, such as the reactivation link.</source>
        <translation>Mode autonome : les courriels envoyés par Guichet, comme le lien de réactivation.</translation>
    </message>
    <message>
        <source>Enter your e-mail address and your password.</source>
        <translation>Saisissez votre adresse électronique et votre mot de passe.</translation>
    </message>
    <message>
        <source>Connection</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>This &amp;computer (standalone)</source>
        <translation>Cet &amp;ordinateur (autonome)</translation>
    </message>
    <message>
        <source>Ser&amp;ver:</source>
        <translation>Ser&amp;veur :</translation>
    </message>
    <message>
        <source>Re&amp;member me</source>
        <translation>Se &amp;souvenir de moi</translation>
    </message>
    <message>
        <source>Work on this computer&apos;s database, without a server.</source>
        <translation>Travailler sur la base de cet ordinateur, sans serveur.</translation>
    </message>
    <message>
        <source>Server address</source>
        <translation>Adresse du serveur</translation>
    </message>
    <message>
        <source>https://guichet.example.org</source>
        <translation>https://guichet.example.org</translation>
    </message>
    <message>
        <source>Keep the session in the system keychain: next time, Guichet opens without asking the password.</source>
        <translation>Garder la session dans le trousseau du système : la prochaine fois, Guichet s’ouvre sans demander le mot de passe.</translation>
    </message>
    <message>
        <source>The system keychain is unavailable (%1): Guichet will sign you in without remembering the session.</source>
        <translation>Le trousseau du système est indisponible (%1) : Guichet vous connectera sans mémoriser la session.</translation>
    </message>
    <message>
        <source>Enter the server address, e.g. https://guichet.example.org.</source>
        <translation>Saisissez l’adresse du serveur, par exemple https://guichet.example.org.</translation>
    </message>
    <message>
        <source>The server address is not valid: write it as https://guichet.example.org.</source>
        <translation>L’adresse du serveur n’est pas valide : écrivez-la sous la forme https://guichet.example.org.</translation>
    </message>
    <message>
        <source>The server address must start with https:// (http:// only for a server on this computer).</source>
        <translation>L’adresse du serveur doit commencer par https:// (http:// seulement pour un serveur sur cet ordinateur).</translation>
    </message>
    <message>
        <source>The server address must start with https://.</source>
        <translation>L’adresse du serveur doit commencer par https://.</translation>
    </message>
    <message>
        <source>Remember me</source>
        <translation>Se souvenir de moi</translation>
    </message>
    <message>
        <source>The system keychain is unavailable (%1): you are signed in, but Guichet will ask your password next time.</source>
        <translation>Le trousseau du système est indisponible (%1) : vous êtes connecté, mais Guichet demandera votre mot de passe la prochaine fois.</translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation>Connexion</translation>
    </message>
    <message>
        <source>Unlock code</source>
        <translation>Code de déverrouillage</translation>
    </message>
    <message>
        <source>The code of the mail « Your Guichet account is locked »: with your password, it signs you in despite the lock, once.</source>
        <translation>Le code du courriel « Votre compte Guichet est verrouillé » : avec votre mot de passe, il vous connecte malgré le verrouillage, une seule fois.</translation>
    </message>
    <message>
        <source>&amp;Unlock code:</source>
        <translation>Code de &amp;déverrouillage :</translation>
    </message>
    <message>
        <source>Create an &amp;account</source>
        <translation>Créer un com&amp;pte</translation>
    </message>
    <message>
        <source>No account yet: create one with your e-mail address.</source>
        <translation>Pas encore de compte : créez-en un avec votre adresse électronique.</translation>
    </message>
    <message>
        <source>Ac&amp;tivate my account or resend the mail…</source>
        <translation>Ac&amp;tiver mon compte ou renvoyer le mail…</translation>
    </message>
    <message>
        <source>Paste the code of the activation mail, or ask for a new mail.</source>
        <translation>Collez le code du mail d’activation, ou demandez un nouveau mail.</translation>
    </message>
</context>
<context>
    <name>guichet::SignUpDialog</name>
    <message>
        <source>E-mail address</source>
        <translation>Adresse électronique</translation>
    </message>
    <message>
        <source>First name</source>
        <translation>Prénom</translation>
    </message>
    <message>
        <source>Last name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>Password</source>
        <translation>Mot de passe</translation>
    </message>
    <message>
        <source>Confirmation of the password</source>
        <translation>Confirmation du mot de passe</translation>
    </message>
    <message>
        <source>Secret question</source>
        <translation>Question secrète</translation>
    </message>
    <message>
        <source>Answer to the secret question</source>
        <translation>Réponse à la question secrète</translation>
    </message>
    <message>
        <source>I already have a &amp;code</source>
        <translation>J&apos;ai déjà un &amp;code</translation>
    </message>
    <message>
        <source>Create an account</source>
        <translation>Créer un compte</translation>
    </message>
    <message>
        <source>Your account is created inactive: a mail is sent to your address with the link that activates it (valid %1 hours). Once activated, Guichet opens signed in.</source>
        <translation>Votre compte est créé inactif : un mail est envoyé à votre adresse avec le lien qui l&apos;active (valable %1 heures). Une fois le compte activé, Guichet s&apos;ouvre connecté.</translation>
    </message>
    <message>
        <source>name@example.org</source>
        <translation>nom@exemple.fr</translation>
    </message>
    <message>
        <source>At least %1 characters, with at least 3 kinds among lower-case letters, upper-case letters, digits and other characters; not containing the name part of your e-mail address.</source>
        <translation>Au moins %1 caractères, dont au moins 3 types parmi lettres minuscules, lettres majuscules, chiffres et autres caractères ; sans la partie de votre adresse électronique située avant le @.</translation>
    </message>
    <message>
        <source>e.g. The name of my first school?</source>
        <translation>ex. : Le nom de ma première école ?</translation>
    </message>
    <message>
        <source>&amp;E-mail address:</source>
        <translation>&amp;Adresse électronique :</translation>
    </message>
    <message>
        <source>&amp;First name:</source>
        <translation>&amp;Prénom :</translation>
    </message>
    <message>
        <source>&amp;Last name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation>&amp;Mot de passe :</translation>
    </message>
    <message>
        <source>Confir&amp;mation:</source>
        <translation>Con&amp;firmation :</translation>
    </message>
    <message>
        <source>Secret &amp;question:</source>
        <translation>&amp;Question secrète :</translation>
    </message>
    <message>
        <source>&amp;Answer:</source>
        <translation>&amp;Réponse :</translation>
    </message>
    <message>
        <source>The activation mail arrived: paste its code.</source>
        <translation>Le mail d&apos;activation est arrivé : collez son code.</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>e-mail address</source>
        <translation>adresse électronique</translation>
    </message>
    <message>
        <source>first name</source>
        <translation>prénom</translation>
    </message>
    <message>
        <source>last name</source>
        <translation>nom</translation>
    </message>
    <message>
        <source>password</source>
        <translation>mot de passe</translation>
    </message>
    <message>
        <source>confirmation</source>
        <translation>confirmation</translation>
    </message>
    <message>
        <source>secret question</source>
        <translation>question secrète</translation>
    </message>
    <message>
        <source>answer</source>
        <translation>réponse</translation>
    </message>
    <message>
        <source>Complete these fields: %1.</source>
        <translation>Complétez ces champs : %1.</translation>
    </message>
    <message>
        <source>The confirmation differs from the password.</source>
        <translation>La confirmation diffère du mot de passe.</translation>
    </message>
</context>
<context>
    <name>guichet::SignUps</name>
    <message>
        <source>e-mail address</source>
        <translation>adresse électronique</translation>
    </message>
    <message>
        <source>e-mail address (not a valid address)</source>
        <translation>adresse électronique (adresse non valide)</translation>
    </message>
    <message>
        <source>first name</source>
        <translation>prénom</translation>
    </message>
    <message>
        <source>last name</source>
        <translation>nom</translation>
    </message>
    <message>
        <source>password</source>
        <translation>mot de passe</translation>
    </message>
    <message>
        <source>secret question</source>
        <translation>question secrète</translation>
    </message>
    <message>
        <source>answer to the secret question</source>
        <translation>réponse à la question secrète</translation>
    </message>
    <message>
        <source>language (fr or en)</source>
        <translation>langue (fr ou en)</translation>
    </message>
    <message>
        <source>Complete or correct these fields: %1.</source>
        <translation>Complétez ou corrigez ces champs : %1.</translation>
    </message>
    <message>
        <source>Hello %1,

To activate your Guichet account %2, open this link:
%3

Reading this mail on another device? In Guichet, click &quot;Create an account&quot;, then &quot;I already have a code&quot;, and paste this code:
%4

The link works once and until %5; a newer mail replaces it. Once the account is activated, Guichet opens signed in.

If you did not ask for an account, ignore this mail: an account that is not activated is removed after %6 days.</source>
        <translation>Bonjour %1,

Pour activer votre compte Guichet %2, ouvrez ce lien :
%3

Vous lisez ce mail sur un autre appareil ? Dans Guichet, cliquez sur « Créer un compte », puis « J&apos;ai déjà un code », et collez ce code :
%4

Le lien fonctionne une seule fois, jusqu&apos;au %5 ; un mail plus récent le remplace. Une fois le compte activé, Guichet s&apos;ouvre connecté.

Si vous n&apos;avez pas demandé de compte, ignorez ce mail : un compte qui n&apos;est pas activé est supprimé au bout de %6 jours.</translation>
    </message>
    <message>
        <source>Activate your Guichet account</source>
        <translation>Activez votre compte Guichet</translation>
    </message>
    <message>
        <source>Hello %1,

Someone asked to create a Guichet account with your address %2, which already has one. Nothing was created and nothing changed on your account.

If it was you, sign in with this address and your password. If your account is deactivated, click &quot;Reactivate my account&quot; in the sign-in window. If you forgot your password, write to support from the sign-in window.

If it was not you, ignore this mail.</source>
        <translation>Bonjour %1,

Quelqu&apos;un a demandé à créer un compte Guichet avec votre adresse %2, qui en a déjà un. Rien n&apos;a été créé et rien n&apos;a changé sur votre compte.

Si c&apos;était vous, connectez-vous avec cette adresse et votre mot de passe. Si votre compte est désactivé, cliquez sur « Réactiver mon compte » dans la fenêtre de connexion. Si vous avez oublié votre mot de passe, écrivez au support depuis la fenêtre de connexion.

Si ce n&apos;était pas vous, ignorez ce mail.</translation>
    </message>
    <message>
        <source>Someone tried to create a Guichet account with your address</source>
        <translation>Quelqu&apos;un a tenté de créer un compte Guichet avec votre adresse</translation>
    </message>
    <message>
        <source>This activation link is no longer valid (already used, replaced by a newer mail, or expired): ask for a new mail with &quot;Resend the activation mail&quot;, or create the account again.</source>
        <translation>Ce lien d&apos;activation n&apos;est plus valable (déjà utilisé, remplacé par un mail plus récent, ou expiré) : demandez un nouveau mail avec « Renvoyer le mail d&apos;activation », ou créez de nouveau le compte.</translation>
    </message>
    <message>
        <source>A mail has been sent to %1. Open its link, or paste its code here, within %2 hours to activate your account. Nothing arrived? Check the address, then ask for a new mail.</source>
        <translation>Un mail a été envoyé à %1. Ouvrez son lien, ou collez son code ici, dans les %2 heures pour activer votre compte. Rien reçu ? Vérifiez l&apos;adresse, puis demandez un nouveau mail.</translation>
    </message>
    <message>
        <source>If an account waiting for activation has this address, a new activation mail has been sent to it; the older links no longer work.</source>
        <translation>Si un compte en attente d&apos;activation a cette adresse, un nouveau mail d&apos;activation lui a été envoyé ; les liens précédents ne fonctionnent plus.</translation>
    </message>
    <message>
        <source>The password could not be protected (out of memory).</source>
        <translation>Le mot de passe n&apos;a pas pu être protégé (mémoire insuffisante).</translation>
    </message>
    <message>
        <source>Paste the link or the code of the activation mail.</source>
        <translation>Collez le lien ou le code du mail d&apos;activation.</translation>
    </message>
    <message>
        <source>Complete this field: e-mail address.</source>
        <translation>Complétez ce champ : adresse électronique.</translation>
    </message>
    <message>
        <source>This user does not exist.</source>
        <translation>Cet utilisateur n&apos;existe pas.</translation>
    </message>
    <message>
        <source>This account is not waiting for activation: there is no activation mail to send.</source>
        <translation>Ce compte n&apos;est pas en attente d&apos;activation : il n&apos;y a pas de mail d&apos;activation à envoyer.</translation>
    </message>
    <message>
        <source>This account was not activated within %1 days: it is being removed. The person can create it again.</source>
        <translation>Ce compte n&apos;a pas été activé dans les %1 jours : il va être supprimé. La personne peut le créer de nouveau.</translation>
    </message>
    <message>
        <source>You were invited: to activate your account, enter your name, choose a password and a secret question.</source>
        <translation>Vous avez été invité : pour activer votre compte, saisissez votre nom, choisissez un mot de passe et une question secrète.</translation>
    </message>
</context>
<context>
    <name>guichet::SingleInstance</name>
    <message>
        <source>Guichet is already running for this user.</source>
        <translation>Guichet est déjà ouvert pour cet utilisateur.</translation>
    </message>
</context>
<context>
    <name>guichet::Siret</name>
    <message>
        <source>The SIRET is required.</source>
        <translation>Le SIRET est obligatoire.</translation>
    </message>
    <message>
        <source>The SIRET %1 must contain digits only.</source>
        <translation>Le SIRET %1 ne doit contenir que des chiffres.</translation>
    </message>
    <message>
        <source>The SIRET %1 has %2 digits instead of 14.</source>
        <translation>Le SIRET %1 comporte %2 chiffres au lieu de 14.</translation>
    </message>
    <message>
        <source>The SIRET %1 is not valid: its check digit is wrong.</source>
        <translation>Le SIRET %1 n&apos;est pas valide : sa clé de contrôle est erronée.</translation>
    </message>
</context>
<context>
    <name>guichet::SolicitationDialog</name>
    <message>
        <source>Contact support</source>
        <translation>Contacter le support</translation>
    </message>
    <message>
        <source>Write to support without signing in. The answer is sent to the e-mail address you give.</source>
        <translation>Écrivez au support sans vous connecter. La réponse est envoyée à l&apos;adresse électronique que vous indiquez.</translation>
    </message>
    <message>
        <source>E-mail address for the answer</source>
        <translation>Adresse électronique pour la réponse</translation>
    </message>
    <message>
        <source>name@example.org</source>
        <translation>nom@exemple.fr</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>Message</source>
        <translation>Message</translation>
    </message>
    <message>
        <source>&amp;E-mail address:</source>
        <translation>&amp;Adresse électronique :</translation>
    </message>
    <message>
        <source>&amp;Category:</source>
        <translation>&amp;Catégorie :</translation>
    </message>
    <message>
        <source>&amp;Subject:</source>
        <translation>&amp;Objet :</translation>
    </message>
    <message>
        <source>&amp;Message:</source>
        <translation>&amp;Message :</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>e-mail address</source>
        <translation>adresse électronique</translation>
    </message>
    <message>
        <source>subject</source>
        <translation>objet</translation>
    </message>
    <message>
        <source>message</source>
        <translation>message</translation>
    </message>
    <message>
        <source>Complete these fields: %1.</source>
        <translation>Complétez les champs suivants : %1.</translation>
    </message>
    <message>
        <source>Your solicitation (number %1) was sent to support. The answer will be sent to %2.</source>
        <translation>Votre sollicitation (numéro %1) a été envoyée au support. La réponse sera envoyée à %2.</translation>
    </message>
</context>
<context>
    <name>guichet::SolicitationQueueModel</name>
    <message>
        <source>Last activity</source>
        <translation>Dernière activité</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>Category</source>
        <translation>Catégorie</translation>
    </message>
    <message>
        <source>Subject</source>
        <translation>Objet</translation>
    </message>
    <message>
        <source>From</source>
        <translation>Du</translation>
    </message>
</context>
<context>
    <name>guichet::Solicitations</name>
    <message>
        <source>Account reactivation</source>
        <translation>Réactivation de compte</translation>
    </message>
    <message>
        <source>Access to the portal</source>
        <translation>Accès au portail</translation>
    </message>
    <message>
        <source>Naming a principal manager</source>
        <translation>Désignation d&apos;un gestionnaire principal</translation>
    </message>
    <message>
        <source>Other</source>
        <translation>Autre</translation>
    </message>
    <message>
        <source>New</source>
        <translation>Nouvelle</translation>
    </message>
    <message>
        <source>In progress</source>
        <translation>En cours de traitement</translation>
    </message>
    <message>
        <source>Waiting for the sender</source>
        <translation>En attente de l&apos;émetteur</translation>
    </message>
    <message>
        <source>Closed</source>
        <translation>Clôturée</translation>
    </message>
    <message>
        <source>category</source>
        <translation>catégorie</translation>
    </message>
    <message>
        <source>subject</source>
        <translation>objet</translation>
    </message>
    <message>
        <source>message</source>
        <translation>message</translation>
    </message>
    <message>
        <source>Required fields are missing: %1.</source>
        <translation>Des champs obligatoires ne sont pas renseignés : %1.</translation>
    </message>
    <message>
        <source>Category &apos;%1&apos; is not in the list of categories.</source>
        <translation>La catégorie « %1 » ne figure pas dans la liste des catégories.</translation>
    </message>
    <message>
        <source>Subject is too long: %1 characters at most.</source>
        <translation>L&apos;objet est trop long : %1 caractères au maximum.</translation>
    </message>
    <message>
        <source>Message is too long: %1 characters at most.</source>
        <translation>Le message est trop long : %1 caractères au maximum.</translation>
    </message>
    <message>
        <source>Status &apos;%1&apos; is not a solicitation status.</source>
        <translation>Le statut « %1 » n&apos;est pas un statut de sollicitation.</translation>
    </message>
    <message>
        <source>The message is required.</source>
        <translation>Le message est obligatoire.</translation>
    </message>
    <message>
        <source>Solicitation %1 does not exist.</source>
        <translation>La sollicitation %1 n&apos;existe pas.</translation>
    </message>
    <message>
        <source>E-mail address is required: support answers there.</source>
        <translation>L&apos;adresse électronique est obligatoire : le support y envoie sa réponse.</translation>
    </message>
    <message>
        <source>E-mail address &apos;%1&apos; is not valid.</source>
        <translation>L&apos;adresse électronique « %1 » n&apos;est pas valide.</translation>
    </message>
    <message>
        <source>Reply to your request: %1</source>
        <translation>Réponse à votre demande : %1</translation>
    </message>
    <message>
        <source>Support replied to your request &quot;%1&quot; (status: %2):

%3</source>
        <translation>Le support a répondu à votre demande « %1 » (statut : %2) :

%3</translation>
    </message>
    <message>
        <source>Only the sender of a solicitation may add to it.</source>
        <translation>Seul l&apos;émetteur d&apos;une sollicitation peut la compléter.</translation>
    </message>
    <message>
        <source>This solicitation is not waiting for your answer.</source>
        <translation>Cette sollicitation n&apos;attend pas de réponse de votre part.</translation>
    </message>
</context>
<context>
    <name>guichet::SpacePage</name>
    <message>
        <source>Your subscriptions to this space. Its own functions (invoices, solicitations …) are in the portal; Guichet manages who may use them.</source>
        <translation>Vos abonnements à cet espace. Ses fonctions propres (factures, sollicitations…) sont dans le portail ; Guichet gère qui peut les utiliser.</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Effective from</source>
        <translation>Effectif à partir du</translation>
    </message>
    <message>
        <source>My subscriptions to this space</source>
        <translation>Mes abonnements à cet espace</translation>
    </message>
</context>
<context>
    <name>guichet::Spaces</name>
    <message>
        <source>The structure was not found.</source>
        <translation>La structure est introuvable.</translation>
    </message>
    <message>
        <source>Choose a space from the list.</source>
        <translation>Choisissez un espace dans la liste.</translation>
    </message>
    <message>
        <source>The space %1 is already set for this structure.</source>
        <translation>L&apos;espace %1 est déjà paramétré pour cette structure.</translation>
    </message>
    <message>
        <source>The space %1 is not set for this structure.</source>
        <translation>L&apos;espace %1 n&apos;est pas paramétré pour cette structure.</translation>
    </message>
    <message>
        <source>Users cannot add the space %1 themselves: only « Factures émises » can be left to them.</source>
        <translation>Les utilisateurs ne peuvent pas ajouter eux-mêmes l’espace %1 : seul « Factures émises » peut leur être laissé.</translation>
    </message>
</context>
<context>
    <name>guichet::StructureCreateDialog</name>
    <message>
        <source>Create the structure</source>
        <translation>Créer la structure</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>&amp;Company name:</source>
        <translation>&amp;Raison sociale :</translation>
    </message>
    <message>
        <source>Company name</source>
        <translation>Raison sociale</translation>
    </message>
    <message>
        <source>&amp;Label:</source>
        <translation>&amp;Libellé :</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <source>&amp;Address:</source>
        <translation>A&amp;dresse :</translation>
    </message>
    <message>
        <source>Address</source>
        <translation>Adresse</translation>
    </message>
    <message>
        <source>&amp;Postal code:</source>
        <translation>C&amp;ode postal :</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>Cit&amp;y:</source>
        <translation>&amp;Ville :</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ville</translation>
    </message>
    <message>
        <source>14 digits</source>
        <translation>14 chiffres</translation>
    </message>
    <message>
        <source>Required</source>
        <translation>Obligatoire</translation>
    </message>
    <message>
        <source>&amp;Create the structure</source>
        <translation>&amp;Créer la structure</translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation>&amp;Enregistrer</translation>
    </message>
    <message>
        <source>Only the structure&apos;s managers may change its record.</source>
        <translation>Seuls les gestionnaires de la structure peuvent modifier sa fiche.</translation>
    </message>
    <message>
        <source>Structure created</source>
        <translation>Structure créée</translation>
    </message>
    <message>
        <source>The structure %1 was created and you are its principal manager: no attachment request is needed.</source>
        <translation>La structure %1 a été créée et vous en êtes le gestionnaire principal : aucune demande de rattachement n&apos;est nécessaire.</translation>
    </message>
    <message>
        <source>Identifier type</source>
        <translation>Type d&apos;identifiant</translation>
    </message>
    <message>
        <source>Identifier &amp;type:</source>
        <translation>&amp;Type d&apos;identifiant :</translation>
    </message>
    <message>
        <source>&amp;Identifier:</source>
        <translation>&amp;Identifiant :</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Bank details (optional)</source>
        <translation>Coordonnées bancaires (facultatives)</translation>
    </message>
    <message>
        <source>IBAN</source>
        <translation>IBAN</translation>
    </message>
    <message>
        <source>FR76 3000 6000 0112 3456 7890 189</source>
        <translation>FR76 3000 6000 0112 3456 7890 189</translation>
    </message>
    <message>
        <source>BIC</source>
        <translation>BIC</translation>
    </message>
    <message>
        <source>8 or 11 characters</source>
        <translation>8 ou 11 caractères</translation>
    </message>
    <message>
        <source>I&amp;BAN:</source>
        <translation>I&amp;BAN :</translation>
    </message>
    <message>
        <source>BI&amp;C:</source>
        <translation>BI&amp;C :</translation>
    </message>
    <message>
        <source>No structure matches your search. Create its record: you designate its principal manager (yourself, or an active user).</source>
        <translation>Aucune structure ne correspond à votre recherche. Créez sa fiche : vous désignez son gestionnaire principal (vous-même, ou un utilisateur actif).</translation>
    </message>
    <message>
        <source>Services (optional)</source>
        <translation>Services (facultatifs)</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Code</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>&amp;Add a service</source>
        <translation>&amp;Ajouter un service</translation>
    </message>
    <message>
        <source>&amp;Remove the service</source>
        <translation>&amp;Retirer le service</translation>
    </message>
    <message>
        <source>Principal manager</source>
        <translation>Gestionnaire principal</translation>
    </message>
    <message>
        <source>&amp;Myself</source>
        <translation>&amp;Moi-même</translation>
    </message>
    <message>
        <source>Another active &amp;user:</source>
        <translation>Un autre &amp;utilisateur actif :</translation>
    </message>
    <message>
        <source>nobody chosen</source>
        <translation>personne n’est choisi</translation>
    </message>
    <message>
        <source>C&amp;hoose…</source>
        <translation>C&amp;hoisir…</translation>
    </message>
    <message>
        <source>Spaces set at structure level</source>
        <translation>Espaces paramétrés au niveau de la structure</translation>
    </message>
    <message>
        <source>VAT number, e.g. DE123456789</source>
        <translation>Numéro de TVA, par ex. DE123456789</translation>
    </message>
    <message>
        <source>The national identifier</source>
        <translation>L&apos;identifiant national</translation>
    </message>
    <message>
        <source>e.g. 1234567.001</source>
        <translation>par ex. 1234567.001</translation>
    </message>
    <message>
        <source>e.g. A12345001</source>
        <translation>par ex. A12345001</translation>
    </message>
    <message>
        <source>Given by Guichet</source>
        <translation>Attribué par Guichet</translation>
    </message>
    <message>
        <source>Choose the principal manager</source>
        <translation>Choisir le gestionnaire principal</translation>
    </message>
    <message>
        <source>Choose the principal manager, or designate yourself.</source>
        <translation>Choisissez le gestionnaire principal, ou désignez-vous vous-même.</translation>
    </message>
    <message>
        <source>The structure %1 was created; %2 is its principal manager and was told by mail.</source>
        <translation>La structure %1 a été créée ; %2 en est le gestionnaire principal et en a été informé par courriel.</translation>
    </message>
</context>
<context>
    <name>guichet::StructureExport</name>
    <message>
        <source>The file could not be written: %1</source>
        <translation>Le fichier n’a pas pu être enregistré : %1</translation>
    </message>
    <message>
        <source>The structures could not be read: %1</source>
        <translation>Les structures n’ont pas pu être lues : %1</translation>
    </message>
</context>
<context>
    <name>guichet::StructureIdentifier</name>
    <message>
        <source>SIRET</source>
        <translation>SIRET</translation>
    </message>
    <message>
        <source>EU outside France (VAT number)</source>
        <translation>UE hors France (numéro de TVA)</translation>
    </message>
    <message>
        <source>Outside the EU</source>
        <translation>Hors UE</translation>
    </message>
    <message>
        <source>RIDET</source>
        <translation>RIDET</translation>
    </message>
    <message>
        <source>TAHITI</source>
        <translation>TAHITI</translation>
    </message>
    <message>
        <source>Private individual</source>
        <translation>Particulier</translation>
    </message>
    <message>
        <source>Registration in progress</source>
        <translation>En cours d&apos;immatriculation</translation>
    </message>
    <message>
        <source>The VAT number is required.</source>
        <translation>Le numéro de TVA est obligatoire.</translation>
    </message>
    <message>
        <source>The VAT number %1 is French: a structure in France is identified by its SIRET.</source>
        <translation>Le numéro de TVA %1 est français : une structure en France est identifiée par son SIRET.</translation>
    </message>
    <message>
        <source>The VAT number %1 must start with the code of an EU member state other than France (for instance DE, BE, IT; EL for Greece).</source>
        <translation>Le numéro de TVA %1 doit commencer par le code d&apos;un État membre de l&apos;UE autre que la France (par exemple DE, BE, IT ; EL pour la Grèce).</translation>
    </message>
    <message>
        <source>The VAT number %1 does not have the format of %2&apos;s VAT numbers.</source>
        <translation>Le numéro de TVA %1 n&apos;a pas le format des numéros de TVA de %2.</translation>
    </message>
    <message>
        <source>The identifier is required.</source>
        <translation>L&apos;identifiant est obligatoire.</translation>
    </message>
    <message>
        <source>The identifier %1 is too short: at least 3 characters.</source>
        <translation>L&apos;identifiant %1 est trop court : au moins 3 caractères.</translation>
    </message>
    <message>
        <source>The identifier %1 may contain only letters, digits, &apos;.&apos;, &apos;/&apos; and &apos;-&apos;.</source>
        <translation>L&apos;identifiant %1 ne peut contenir que des lettres, des chiffres, « . », « / » et « - ».</translation>
    </message>
    <message>
        <source>The RIDET is required.</source>
        <translation>Le RIDET est obligatoire.</translation>
    </message>
    <message>
        <source>The RIDET %1 must be the company&apos;s 6 or 7 digits then the establishment&apos;s 3 (for instance 1234567.001).</source>
        <translation>Le RIDET %1 doit comporter les 6 ou 7 chiffres de l&apos;entreprise puis les 3 de l&apos;établissement (par exemple 1234567.001).</translation>
    </message>
    <message>
        <source>The TAHITI number is required.</source>
        <translation>Le numéro TAHITI est obligatoire.</translation>
    </message>
    <message>
        <source>The TAHITI number %1 must be the 6 characters of the number (a letter or digit, then 5 digits) followed by the establishment&apos;s 3 digits (for instance A12345001).</source>
        <translation>Le numéro TAHITI %1 doit comporter les 6 caractères du numéro (une lettre ou un chiffre, puis 5 chiffres) suivis des 3 chiffres de l&apos;établissement (par exemple A12345001).</translation>
    </message>
    <message>
        <source>EU VAT</source>
        <translation>TVA UE</translation>
    </message>
    <message>
        <source>Non-EU</source>
        <translation>Hors UE</translation>
    </message>
    <message>
        <source>Individual</source>
        <translation>Particulier</translation>
    </message>
    <message>
        <source>Registering</source>
        <translation>Immat. en cours</translation>
    </message>
    <message>
        <source>%1 %2</source>
        <comment>identifier type, then the identifier</comment>
        <translation>%1 %2</translation>
    </message>
</context>
<context>
    <name>guichet::StructureImport</name>
    <message>
        <source>Unexpected character %1 after a closing quote.</source>
        <translation>Caractère %1 inattendu après un guillemet fermant.</translation>
    </message>
    <message>
        <source>A quoted field is not closed.</source>
        <translation>Un champ entre guillemets n&apos;est pas fermé.</translation>
    </message>
    <message>
        <source>The file is not UTF-8 text.</source>
        <translation>Le fichier n&apos;est pas un texte UTF-8.</translation>
    </message>
    <message>
        <source>The file is empty: its first line must name the columns.</source>
        <translation>Le fichier est vide : sa première ligne doit nommer les colonnes.</translation>
    </message>
    <message>
        <source>Unknown column &apos;%1&apos; (expected: %2).</source>
        <translation>Colonne « %1 » inconnue (colonnes attendues : %2).</translation>
    </message>
    <message>
        <source>The column &apos;%1&apos; appears twice.</source>
        <translation>La colonne « %1 » apparaît deux fois.</translation>
    </message>
    <message>
        <source>The required column &apos;%1&apos; is missing.</source>
        <translation>La colonne obligatoire « %1 » est absente.</translation>
    </message>
    <message>
        <source>Expected %1 fields, found %2.</source>
        <translation>Nombre de champs attendu : %1, trouvé : %2.</translation>
    </message>
    <message>
        <source>The SIRET %1 already appears on line %2.</source>
        <translation>Le SIRET %1 figure déjà à la ligne %2.</translation>
    </message>
</context>
<context>
    <name>guichet::StructureSearchDialog</name>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>S&amp;elect</source>
        <translation>&amp;Sélectionner</translation>
    </message>
    <message>
        <source>E&amp;xport (CSV)</source>
        <translation>&amp;Exporter (CSV)</translation>
    </message>
    <message>
        <source>C&amp;reate the structure</source>
        <translation>&amp;Créer la structure</translation>
    </message>
    <message>
        <source>Request an attachment — find the structure</source>
        <translation>Demander un rattachement — rechercher la structure</translation>
    </message>
    <message>
        <source>Company &amp;name:</source>
        <translation>R&amp;aison sociale :</translation>
    </message>
    <message>
        <source>Company name</source>
        <translation>Raison sociale</translation>
    </message>
    <message>
        <source>&amp;Label:</source>
        <translation>&amp;Libellé :</translation>
    </message>
    <message>
        <source>Label of the structure</source>
        <translation>Libellé de la structure</translation>
    </message>
    <message>
        <source>&amp;Postal code:</source>
        <translation>C&amp;ode postal :</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>Cit&amp;y:</source>
        <translation>&amp;Ville :</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ville</translation>
    </message>
    <message>
        <source>Tip: use stars to widen the search, e.g. *menuiserie* finds every structure whose company name contains « menuiserie ». Prefer the identifier and the company name to avoid attaching to the wrong structure.</source>
        <translation>Astuce : utilisez les étoiles pour élargir la recherche, par exemple *menuiserie* trouve toutes les structures dont la raison sociale contient « menuiserie ». Privilégiez l&apos;identifiant et la raison sociale pour éviter les erreurs de rattachement.</translation>
    </message>
    <message>
        <source>Structures found</source>
        <translation>Structures trouvées</translation>
    </message>
    <message>
        <source>Enter at least one criterion.</source>
        <translation>Saisissez au moins un critère.</translation>
    </message>
    <message>
        <source>No structure matches these criteria.</source>
        <translation>Aucune structure ne correspond à ces critères.</translation>
    </message>
    <message numerus="yes">
        <source>%n structure(s) found.</source>
        <translation>
            <numerusform>%n structure trouvée.</numerusform>
            <numerusform>%n structures trouvées.</numerusform>
        </translation>
    </message>
    <message>
        <source>Export the structures found</source>
        <translation>Exporter les structures trouvées</translation>
    </message>
    <message>
        <source>structures.csv</source>
        <translation>structures.csv</translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation>Fichiers CSV (*.csv)</translation>
    </message>
    <message>
        <source>Export</source>
        <translation>Export</translation>
    </message>
    <message numerus="yes">
        <source>%n structure(s) exported to %1.</source>
        <translation>
            <numerusform>%n structure exportée dans %1.</numerusform>
            <numerusform>%n structures exportées dans %1.</numerusform>
        </translation>
    </message>
    <message>
        <source>Exporting the structures…</source>
        <translation>Export des structures…</translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation>Annuler</translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation>La recherche a échoué : %1</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Recherche…</translation>
    </message>
    <message numerus="yes">
        <source>%n structure(s) found so far; scroll down for more.</source>
        <translation>
            <numerusform>%n structure trouvée pour l’instant ; faites défiler pour en voir plus.</numerusform>
            <numerusform>%n structures trouvées pour l’instant ; faites défiler pour en voir plus.</numerusform>
        </translation>
    </message>
    <message>
        <source>Search « %1 »</source>
        <translation>Rechercher « %1 »</translation>
    </message>
    <message>
        <source>No structure is named exactly so. Widen the search to the names containing it?</source>
        <translation>Aucune structure ne porte exactement ce nom. Élargir la recherche aux noms qui le contiennent ?</translation>
    </message>
    <message numerus="yes">
        <source>At least %n structure(s) found; counting them all…</source>
        <translation>
            <numerusform>Au moins %n structure trouvée ; décompte en cours…</numerusform>
            <numerusform>Au moins %n structures trouvées ; décompte en cours…</numerusform>
        </translation>
    </message>
    <message>
        <source>&amp;Identifier:</source>
        <translation>&amp;Identifiant :</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>SIRET, VAT, RIDET, TAHITI…</source>
        <translation>SIRET, TVA, RIDET, TAHITI…</translation>
    </message>
    <message>
        <source>Any identifier: %1, or a number Guichet gave (PAR#…, IMM#…).</source>
        <translation>Tout identifiant : %1, ou un numéro attribué par Guichet (PAR#…, IMM#…).</translation>
    </message>
</context>
<context>
    <name>guichet::StructureSearchModel</name>
    <message>
        <source>SIRET</source>
        <translation>SIRET</translation>
    </message>
    <message>
        <source>Company name</source>
        <translation>Raison sociale</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ville</translation>
    </message>
    <message>
        <source>Selection</source>
        <translation>Sélection</translation>
    </message>
    <message>
        <source>Loading…</source>
        <translation>Chargement…</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
</context>
<context>
    <name>guichet::StructureUserModel</name>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Courriel</translation>
    </message>
    <message>
        <source>Role</source>
        <translation>Rôle</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Ended</source>
        <translation>Terminé</translation>
    </message>
    <message>
        <source>Validity</source>
        <translation>Validité</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>à partir du %1</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Subscriptions</source>
        <translation>Abonnements</translation>
    </message>
</context>
<context>
    <name>guichet::Structures</name>
    <message>
        <source>A structure with SIRET %1 already exists.</source>
        <translation>Une structure avec le SIRET %1 existe déjà.</translation>
    </message>
    <message>
        <source>This structure does not exist.</source>
        <translation>Cette structure n&apos;existe pas.</translation>
    </message>
    <message>
        <source>Only the structure&apos;s principal manager (or a secondary manager with the principal manager&apos;s powers) or support staff may change this structure.</source>
        <translation>Seuls le gestionnaire principal de la structure (ou un gestionnaire secondaire disposant des pouvoirs du gestionnaire principal) et le support peuvent modifier cette structure.</translation>
    </message>
    <message>
        <source>The raison sociale is required.</source>
        <translation>La raison sociale est obligatoire.</translation>
    </message>
    <message>
        <source>The postal code %1 must have 5 digits.</source>
        <translation>Le code postal %1 doit comporter 5 chiffres.</translation>
    </message>
    <message>
        <source>The service code is required.</source>
        <translation>Le code du service est obligatoire.</translation>
    </message>
    <message>
        <source>The service name is required.</source>
        <translation>Le nom du service est obligatoire.</translation>
    </message>
    <message>
        <source>A service with code %1 already exists in this structure.</source>
        <translation>Un service de code %1 existe déjà dans cette structure.</translation>
    </message>
    <message>
        <source>This service does not exist.</source>
        <translation>Ce service n&apos;existe pas.</translation>
    </message>
    <message>
        <source>A structure with identifier %1 already exists.</source>
        <translation>Une structure avec l&apos;identifiant %1 existe déjà.</translation>
    </message>
    <message>
        <source>Choose the type of identifier from the list.</source>
        <translation>Choisissez le type d&apos;identifiant dans la liste.</translation>
    </message>
    <message>
        <source>At most %1 services may be given at creation.</source>
        <translation>Au plus %1 services peuvent être indiqués à la création.</translation>
    </message>
    <message>
        <source>Service %1: %2</source>
        <translation>Service %1 : %2</translation>
    </message>
    <message>
        <source>Service %1: the service code is required.</source>
        <translation>Service %1 : le code du service est obligatoire.</translation>
    </message>
    <message>
        <source>Service %1: the service name is required.</source>
        <translation>Service %1 : le nom du service est obligatoire.</translation>
    </message>
    <message>
        <source>Service %1: the code %2 is given twice.</source>
        <translation>Service %1 : le code %2 est indiqué deux fois.</translation>
    </message>
    <message>
        <source>The space %1 does not exist: choose spaces from the list.</source>
        <translation>L&apos;espace %1 n&apos;existe pas : choisissez les espaces dans la liste.</translation>
    </message>
    <message>
        <source>Only the structure&apos;s managers may change its bank details.</source>
        <translation>Seuls les gestionnaires de la structure peuvent modifier ses coordonnées bancaires.</translation>
    </message>
    <message>
        <source>At most %1 spaces may be chosen.</source>
        <translation>Au plus %1 espaces peuvent être choisis.</translation>
    </message>
</context>
<context>
    <name>guichet::SubscriptionModel</name>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>Space</source>
        <translation>Espace</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Mode</source>
        <translation>Mode</translation>
    </message>
    <message>
        <source>Effective date</source>
        <translation>Date d&apos;effet</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Commentaire</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
</context>
<context>
    <name>guichet::SubscriptionRequestDialog</name>
    <message>
        <source>Add a subscription</source>
        <translation>Ajouter un abonnement</translation>
    </message>
    <message>
        <source>Structure designation (required)</source>
        <translation>Désignation de la structure (obligatoire)</translation>
    </message>
    <message>
        <source>Space (required)</source>
        <translation>Espace (obligatoire)</translation>
    </message>
    <message>
        <source>Choose a space</source>
        <translation>Choisissez un espace</translation>
    </message>
    <message>
        <source>Services</source>
        <translation>Services</translation>
    </message>
    <message>
        <source>Service</source>
        <translation>Service</translation>
    </message>
    <message>
        <source>Modification</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>Consultation</source>
        <translation>Consultation</translation>
    </message>
    <message>
        <source>Choose the structure and the space: the services you may request appear here.</source>
        <translation>Choisissez la structure et l&apos;espace : les services que vous pouvez demander apparaissent ici.</translation>
    </message>
    <message>
        <source>Effective date (required)</source>
        <translation>Date d&apos;effet (obligatoire)</translation>
    </message>
    <message>
        <source>Comment</source>
        <translation>Commentaire</translation>
    </message>
    <message>
        <source>&amp;Structure designation *</source>
        <translation>Désignation de la &amp;structure *</translation>
    </message>
    <message>
        <source>S&amp;pace *</source>
        <translation>&amp;Espace *</translation>
    </message>
    <message>
        <source>Details</source>
        <translation>Détails</translation>
    </message>
    <message>
        <source>&amp;Effective date *</source>
        <translation>&amp;Date d&apos;effet *</translation>
    </message>
    <message>
        <source>C&amp;omment</source>
        <translation>&amp;Commentaire</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>Choose a structure</source>
        <translation>Choisissez une structure</translation>
    </message>
    <message>
        <source>You are attached to no service of this structure today.</source>
        <translation>Vous n&apos;êtes rattaché à aucun service de cette structure à ce jour.</translation>
    </message>
    <message>
        <source>Tick « modification » to act on invoices and solicitations, « consultation » to view them (one row each). The default service means the whole structure.</source>
        <translation>Cochez « modification » pour intervenir sur les factures et sollicitations, « consultation » pour les visualiser (une ligne pour chacun). Le service par défaut correspond à toute la structure.</translation>
    </message>
    <message>
        <source>Modification for %1</source>
        <translation>Modification pour %1</translation>
    </message>
    <message>
        <source>Consultation for %1</source>
        <translation>Consultation pour %1</translation>
    </message>
    <message>
        <source>Subscription validated: your request is confirmed.</source>
        <translation>Abonnement validé : votre demande est confirmée.</translation>
    </message>
    <message>
        <source>Subscription awaiting validation: ask the principal manager of the structure to validate your request.</source>
        <translation>Abonnement en cours de validation : demandez au gestionnaire principal de la structure de valider votre demande.</translation>
    </message>
</context>
<context>
    <name>guichet::Subscriptions</name>
    <message>
        <source>Validated</source>
        <translation>Validé</translation>
    </message>
    <message>
        <source>Awaiting validation</source>
        <translation>En cours de validation</translation>
    </message>
    <message>
        <source>Refused</source>
        <translation>Refusé</translation>
    </message>
    <message>
        <source>Choose the structure.</source>
        <translation>Choisissez la structure.</translation>
    </message>
    <message>
        <source>The structure was not found.</source>
        <translation>La structure est introuvable.</translation>
    </message>
    <message>
        <source>Choose the space.</source>
        <translation>Choisissez l&apos;espace.</translation>
    </message>
    <message>
        <source>Choose a space from the list.</source>
        <translation>Choisissez un espace dans la liste.</translation>
    </message>
    <message>
        <source>Enter the date from which the subscription is effective.</source>
        <translation>Saisissez la date à partir de laquelle l&apos;abonnement est effectif.</translation>
    </message>
    <message>
        <source>Tick modification or consultation for at least one service.</source>
        <translation>Cochez « modification » ou « consultation » pour au moins un service.</translation>
    </message>
    <message>
        <source>You are not attached to this structure today: request an attachment first.</source>
        <translation>Vous n&apos;êtes pas rattaché à cette structure à ce jour : demandez d&apos;abord un rattachement.</translation>
    </message>
    <message>
        <source>You are attached to some services only: you cannot subscribe for the whole structure (default service).</source>
        <translation>Vous n&apos;êtes rattaché qu&apos;à certains services : vous ne pouvez pas vous abonner pour toute la structure (service par défaut).</translation>
    </message>
    <message>
        <source>The service %1 is not an active service of this structure.</source>
        <translation>Le service %1 n&apos;est pas un service actif de cette structure.</translation>
    </message>
    <message>
        <source>You are not attached to the service %1.</source>
        <translation>Vous n&apos;êtes pas rattaché au service %1.</translation>
    </message>
    <message>
        <source>You already have this subscription or a request for it (%1, %2).</source>
        <translation>Vous avez déjà cet abonnement ou une demande pour celui-ci (%1, %2).</translation>
    </message>
    <message>
        <source>A subscription request waits for you</source>
        <translation>Une demande d&apos;abonnement attend votre décision</translation>
    </message>
    <message>
        <source>%1 %2 asks for the space %3 on %4. Open Guichet to validate or refuse it.</source>
        <translation>%1 %2 demande l&apos;espace %3 sur %4. Ouvrez Guichet pour valider ou refuser cette demande.</translation>
    </message>
    <message>
        <source>Check at least one request.</source>
        <translation>Cochez au moins une demande.</translation>
    </message>
    <message>
        <source>The subscription request %1 was not found.</source>
        <translation>La demande d&apos;abonnement %1 est introuvable.</translation>
    </message>
    <message>
        <source>The subscription request %1 was already decided.</source>
        <translation>La demande d&apos;abonnement %1 a déjà été traitée.</translation>
    </message>
    <message>
        <source>whole structure</source>
        <translation>toute la structure</translation>
    </message>
    <message>
        <source>Your subscription request was validated:</source>
        <translation>Votre demande d&apos;abonnement a été validée :</translation>
    </message>
    <message>
        <source>Your subscription request was refused:</source>
        <translation>Votre demande d&apos;abonnement a été refusée :</translation>
    </message>
    <message>
        <source>Comment: %1</source>
        <translation>Commentaire : %1</translation>
    </message>
    <message>
        <source>Subscription request validated</source>
        <translation>Demande d&apos;abonnement validée</translation>
    </message>
    <message>
        <source>Subscription request refused</source>
        <translation>Demande d&apos;abonnement refusée</translation>
    </message>
    <message>
        <source>Check at least one subscription.</source>
        <translation>Cochez au moins un abonnement.</translation>
    </message>
    <message>
        <source>The subscription %1 was not found.</source>
        <translation>L&apos;abonnement %1 est introuvable.</translation>
    </message>
    <message>
        <source>You may only remove your own subscriptions.</source>
        <translation>Vous ne pouvez supprimer que vos propres abonnements.</translation>
    </message>
    <message>
        <source>Whole structure</source>
        <translation>Toute la structure</translation>
    </message>
    <message>
        <source>Default service (whole structure)</source>
        <translation>Service par défaut (toute la structure)</translation>
    </message>
    <message>
        <source>Tick modification, consultation or both.</source>
        <translation>Cochez « modification », « consultation » ou les deux.</translation>
    </message>
    <message>
        <source>Check at least one user.</source>
        <translation>Cochez au moins un utilisateur.</translation>
    </message>
    <message>
        <source>Check at most %1 users at once.</source>
        <translation>Cochez au plus %1 utilisateurs à la fois.</translation>
    </message>
    <message>
        <source>%1 is not attached to %2 today: nothing was subscribed.</source>
        <translation>%1 n’est pas rattaché(e) à %2 aujourd’hui : aucun abonnement n’a été créé.</translation>
    </message>
    <message>
        <source>The user %1</source>
        <translation>L’utilisateur %1</translation>
    </message>
    <message>
        <source>New subscription in Guichet</source>
        <translation>Nouvel abonnement dans Guichet</translation>
    </message>
    <message>
        <source>%1 %2 subscribed you to the space %3 on %4, from %5. Open Guichet to see it.</source>
        <translation>%1 %2 vous a abonné à l’espace %3 sur %4, à partir du %5. Ouvrez Guichet pour le voir.</translation>
    </message>
    <message>
        <source>Every user checked already has this subscription: nothing to add.</source>
        <translation>Chaque utilisateur coché a déjà cet abonnement : rien à ajouter.</translation>
    </message>
    <message>
        <source>Removal requested</source>
        <translation>Suppression demandée</translation>
    </message>
    <message>
        <source>Your request to remove these subscriptions was validated: they are removed.</source>
        <translation>Votre demande de suppression de ces abonnements a été validée : ils sont supprimés.</translation>
    </message>
    <message>
        <source>Your request to remove these subscriptions was refused: they stay active.</source>
        <translation>Votre demande de suppression de ces abonnements a été refusée : ils restent actifs.</translation>
    </message>
    <message>
        <source>Removal request validated</source>
        <translation>Demande de suppression validée</translation>
    </message>
    <message>
        <source>Removal request refused</source>
        <translation>Demande de suppression refusée</translation>
    </message>
    <message>
        <source>You already asked to remove the space « %2 » on %1: the request waits for one of its managers.</source>
        <translation>Vous avez déjà demandé la suppression de l&apos;espace « %2 » sur %1 : la demande attend l&apos;un de ses gestionnaires.</translation>
    </message>
    <message>
        <source>%1 %2 asks to remove their subscription to the space %3 on %4. Open Guichet to validate or refuse the removal.</source>
        <translation>%1 %2 demande la suppression de son abonnement à l&apos;espace %3 sur %4. Ouvrez Guichet pour valider ou refuser la suppression.</translation>
    </message>
    <message>
        <source>A removal request waits for you</source>
        <translation>Une demande de suppression vous attend</translation>
    </message>
    <message>
        <source>You may only withdraw your own removal requests.</source>
        <translation>Vous ne pouvez retirer que vos propres demandes de suppression.</translation>
    </message>
    <message>
        <source>No removal of the subscription %1 was asked: nothing to withdraw.</source>
        <translation>Aucune suppression de l&apos;abonnement %1 n&apos;a été demandée : rien à retirer.</translation>
    </message>
</context>
<context>
    <name>guichet::SubscriptionsSection</name>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>Delete the c&amp;hecked subscriptions</source>
        <translation>Supprimer les abonnements &amp;cochés</translation>
    </message>
    <message>
        <source>&amp;Add a subscription</source>
        <translation>&amp;Ajouter un abonnement</translation>
    </message>
    <message>
        <source>My subscriptions to spaces</source>
        <translation>Mes abonnements aux espaces</translation>
    </message>
    <message>
        <source>The spaces you may use, or are waiting to use, in each structure. A space groups features such as « Invoices sent ».</source>
        <translation>Les espaces auxquels vous êtes habilité, ou en attente d&apos;habilitation, dans chaque structure. Un espace regroupe des fonctionnalités, comme « Factures émises ».</translation>
    </message>
    <message>
        <source>Delete this subscription</source>
        <translation>Supprimer cet abonnement</translation>
    </message>
    <message>
        <source>Delete the checked subscriptions</source>
        <translation>Supprimer les abonnements cochés</translation>
    </message>
    <message>
        <source>Delete the selected subscription</source>
        <translation>Supprimer l&apos;abonnement sélectionné</translation>
    </message>
    <message>
        <source>Tick the subscriptions to delete in the « Selection » column first.</source>
        <translation>Cochez d&apos;abord les abonnements à supprimer dans la colonne « Sélection ».</translation>
    </message>
    <message>
        <source>Delete subscriptions</source>
        <translation>Supprimer des abonnements</translation>
    </message>
    <message>
        <source>You have no subscription to a space. Add a subscription.</source>
        <translation>Vous n’êtes abonné à aucun espace. Ajoutez un abonnement.</translation>
    </message>
    <message numerus="yes">
        <source>Delete %n subscription(s)?
%1</source>
        <translation>
            <numerusform>Supprimer %n abonnement ?
%1</numerusform>
            <numerusform>Supprimer ces %n abonnements ?
%1</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n subscription(s) deleted.</source>
        <translation>
            <numerusform>%n abonnement supprimé.</numerusform>
            <numerusform>%n abonnements supprimés.</numerusform>
        </translation>
    </message>
    <message>
        <source>In %1 you may add or remove « %2 » yourself: your request is validated at once, without waiting for a manager.</source>
        <translation>Dans %1, vous pouvez ajouter ou retirer « %2 » vous-même : votre demande est validée aussitôt, sans attendre un gestionnaire.</translation>
    </message>
    <message>
        <source>&amp;Withdraw the removal request</source>
        <translation>&amp;Retirer la demande de suppression</translation>
    </message>
    <message>
        <source>Keep the subscription: the managers will not have to decide its removal.</source>
        <translation>Garder l&apos;abonnement : les gestionnaires n&apos;auront pas à décider de sa suppression.</translation>
    </message>
    <message numerus="yes">
        <source>%n removal request(s) withdrawn: the subscription(s) stay active.</source>
        <translation>
            <numerusform>%n demande de suppression retirée : l&apos;abonnement reste actif.</numerusform>
            <numerusform>%n demandes de suppression retirées : les abonnements restent actifs.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Removal asked for %n subscription(s): a manager of the structure decides, and the subscription stays active until then.</source>
        <translation>
            <numerusform>Suppression demandée pour %n abonnement : un gestionnaire de la structure décide, et l&apos;abonnement reste actif d&apos;ici là.</numerusform>
            <numerusform>Suppression demandée pour %n abonnements : un gestionnaire de la structure décide, et les abonnements restent actifs d&apos;ici là.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::SuccessorDialog</name>
    <message>
        <source>The &amp;same principal manager for all my structures</source>
        <translation>Le &amp;même gestionnaire principal pour toutes mes structures</translation>
    </message>
    <message>
        <source>A &amp;different principal manager for each structure</source>
        <translation>Un gestionnaire principal &amp;différent pour chaque structure</translation>
    </message>
    <message>
        <source>Designate a new principal manager</source>
        <translation>Désigner un nouveau gestionnaire principal</translation>
    </message>
    <message>
        <source>You are the principal manager of the structures below. Each structure keeps exactly one principal manager: designate who takes over. You stay attached to them as a simple user.</source>
        <translation>Vous êtes gestionnaire principal des structures ci-dessous. Chaque structure garde exactement un gestionnaire principal : désignez qui prend la suite. Vous y restez rattaché en tant qu&apos;utilisateur simple.</translation>
    </message>
    <message>
        <source>New principal manager for all structures</source>
        <translation>Nouveau gestionnaire principal pour toutes les structures</translation>
    </message>
    <message>
        <source>Use the magnifier to find the user</source>
        <translation>Utilisez la loupe pour trouver l&apos;utilisateur</translation>
    </message>
    <message>
        <source>Find the new principal manager for all structures</source>
        <translation>Rechercher le nouveau gestionnaire principal de toutes les structures</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>SIRET</source>
        <translation>SIRET</translation>
    </message>
    <message>
        <source>New principal manager</source>
        <translation>Nouveau gestionnaire principal</translation>
    </message>
    <message>
        <source>Find the new principal manager of %1</source>
        <translation>Rechercher le nouveau gestionnaire principal de %1</translation>
    </message>
    <message>
        <source>&amp;Validate</source>
        <translation>&amp;Valider</translation>
    </message>
    <message>
        <source>all structures</source>
        <translation>toutes les structures</translation>
    </message>
    <message>
        <source>Designate the new principal manager for: %1.</source>
        <translation>Désignez le nouveau gestionnaire principal pour : %1.</translation>
    </message>
    <message>
        <source>My structures and their new principal manager</source>
        <translation>Mes structures et leur nouveau gestionnaire principal</translation>
    </message>
</context>
<context>
    <name>guichet::Support</name>
    <message>
        <source>Principal manager</source>
        <translation>Gestionnaire principal</translation>
    </message>
    <message>
        <source>Secondary manager</source>
        <translation>Gestionnaire secondaire</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Only support staff may do this.</source>
        <translation>Seul le support peut effectuer cette action.</translation>
    </message>
    <message>
        <source>%1 (SIRET %2) — %3</source>
        <translation>%1 (SIRET %2) — %3</translation>
    </message>
</context>
<context>
    <name>guichet::SupportPage</name>
    <message>
        <source>&lt;h3&gt;Support&lt;/h3&gt;</source>
        <translation>&lt;h3&gt;Support&lt;/h3&gt;</translation>
    </message>
    <message>
        <source>&amp;Users</source>
        <translation>&amp;Utilisateurs</translation>
    </message>
    <message>
        <source>S&amp;tructures</source>
        <translation>S&amp;tructures</translation>
    </message>
    <message>
        <source>S&amp;olicitations</source>
        <translation>S&amp;ollicitations</translation>
    </message>
    <message>
        <source>&amp;Log</source>
        <translation>&amp;Journal</translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation>&amp;Nom :</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>&amp;E-mail:</source>
        <translation>&amp;Courriel :</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Courriel</translation>
    </message>
    <message>
        <source>Postal &amp;address:</source>
        <translation>&amp;Adresse postale :</translation>
    </message>
    <message>
        <source>Postal address</source>
        <translation>Adresse postale</translation>
    </message>
    <message>
        <source>Stru&amp;cture (SIRET or raison sociale):</source>
        <translation>Stru&amp;cture (SIRET ou raison sociale) :</translation>
    </message>
    <message>
        <source>Structure</source>
        <translation>Structure</translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>Users found</source>
        <translation>Utilisateurs trouvés</translation>
    </message>
    <message>
        <source>&amp;Reactivate the account…</source>
        <translation>&amp;Réactiver le compte…</translation>
    </message>
    <message>
        <source>&amp;View attachments, subscriptions and files…</source>
        <translation>&amp;Voir les rattachements, abonnements et pièces jointes…</translation>
    </message>
    <message>
        <source>View attachments, subscriptions and files</source>
        <translation>Voir les rattachements, abonnements et pièces jointes</translation>
    </message>
    <message>
        <source>Reactivate the account</source>
        <translation>Réactiver le compte</translation>
    </message>
    <message>
        <source>With an empty search, the structures without an active principal manager are listed.</source>
        <translation>Une recherche vide liste les structures sans gestionnaire principal actif.</translation>
    </message>
    <message>
        <source>SIRET or raison sociale</source>
        <translation>SIRET ou raison sociale</translation>
    </message>
    <message>
        <source>SIRET or raison sociale…</source>
        <translation>SIRET ou raison sociale…</translation>
    </message>
    <message>
        <source>S&amp;IRET or raison sociale:</source>
        <translation>S&amp;IRET ou raison sociale :</translation>
    </message>
    <message>
        <source>Searc&amp;h</source>
        <translation>Rec&amp;hercher</translation>
    </message>
    <message>
        <source>Structures</source>
        <translation>Structures</translation>
    </message>
    <message>
        <source>&amp;Name a principal manager…</source>
        <translation>&amp;Nommer un gestionnaire principal…</translation>
    </message>
    <message>
        <source>Name a principal manager…</source>
        <translation>Nommer un gestionnaire principal…</translation>
    </message>
    <message>
        <source>State</source>
        <translation>État</translation>
    </message>
    <message>
        <source>All states</source>
        <translation>Tous les états</translation>
    </message>
    <message>
        <source>New state</source>
        <translation>Nouvel état</translation>
    </message>
    <message>
        <source>Sh&amp;ow:</source>
        <translation>Aff&amp;icher :</translation>
    </message>
    <message>
        <source>Solicitations</source>
        <translation>Sollicitations</translation>
    </message>
    <message>
        <source>Messages of the solicitation</source>
        <translation>Messages de la sollicitation</translation>
    </message>
    <message>
        <source>Answer</source>
        <translation>Réponse</translation>
    </message>
    <message>
        <source>Reply</source>
        <translation>Répondre</translation>
    </message>
    <message>
        <source>Re&amp;ply (mailed to the sender):</source>
        <translation>Ré&amp;ponse (envoyée par courriel à l’auteur) :</translation>
    </message>
    <message>
        <source>&amp;Reply</source>
        <translation>&amp;Répondre</translation>
    </message>
    <message>
        <source>&amp;Change the state</source>
        <translation>&amp;Changer l’état</translation>
    </message>
    <message>
        <source>New st&amp;ate:</source>
        <translation>Nouvel ét&amp;at :</translation>
    </message>
    <message>
        <source>Send %1 an e-mail with a reactivation link? The account becomes active again once they follow the link and choose a new password.</source>
        <translation>Envoyer à %1 un courriel contenant un lien de réactivation ? Le compte redevient actif une fois le lien suivi et un nouveau mot de passe choisi.</translation>
    </message>
    <message>
        <source>A reactivation link was mailed to %1. It is valid until %2.</source>
        <translation>Un lien de réactivation a été envoyé à %1. Il est valable jusqu’au %2.</translation>
    </message>
    <message>
        <source>%1 &lt;%2&gt;</source>
        <translation>%1 &lt;%2&gt;</translation>
    </message>
    <message>
        <source>&amp;Attachments</source>
        <translation>&amp;Rattachements</translation>
    </message>
    <message>
        <source>&amp;Subscriptions</source>
        <translation>&amp;Abonnements</translation>
    </message>
    <message>
        <source>&amp;Files (metadata only)</source>
        <translation>&amp;Pièces jointes (métadonnées seulement)</translation>
    </message>
    <message>
        <source>Name a principal manager</source>
        <translation>Nommer un gestionnaire principal</translation>
    </message>
    <message>
        <source>Choose the new principal manager of %1 among its active users, or find another active user, who is then attached to the whole structure.</source>
        <translation>Choisissez le nouveau gestionnaire principal de %1 parmi ses utilisateurs actifs, ou cherchez un autre utilisateur actif, qui sera alors rattaché à toute la structure.</translation>
    </message>
    <message>
        <source>New principal manager</source>
        <translation>Nouveau gestionnaire principal</translation>
    </message>
    <message>
        <source>&amp;Find another user…</source>
        <translation>&amp;Chercher un autre utilisateur…</translation>
    </message>
    <message>
        <source>%1 (will be attached)</source>
        <translation>%1 (sera rattaché)</translation>
    </message>
    <message>
        <source>Choose the new principal manager.</source>
        <translation>Choisissez le nouveau gestionnaire principal.</translation>
    </message>
    <message>
        <source>%1 is now the principal manager of %2 and was told by e-mail.</source>
        <translation>%1 est désormais le gestionnaire principal de %2 et en a été informé par courriel.</translation>
    </message>
    <message>
        <source>&lt;h4&gt;%1&lt;/h4&gt;&lt;p&gt;&lt;b&gt;From:&lt;/b&gt; %2 — &lt;b&gt;Category:&lt;/b&gt; %3 — &lt;b&gt;State:&lt;/b&gt; %4&lt;br/&gt;&lt;b&gt;Sent:&lt;/b&gt; %5&lt;/p&gt;</source>
        <translation>&lt;h4&gt;%1&lt;/h4&gt;&lt;p&gt;&lt;b&gt;De :&lt;/b&gt; %2 — &lt;b&gt;Catégorie :&lt;/b&gt; %3 — &lt;b&gt;État :&lt;/b&gt; %4&lt;br/&gt;&lt;b&gt;Envoyée le :&lt;/b&gt; %5&lt;/p&gt;</translation>
    </message>
    <message>
        <source>Support</source>
        <translation>Support</translation>
    </message>
    <message>
        <source>Sender</source>
        <translation>Auteur</translation>
    </message>
    <message>
        <source>Your reply was sent; the sender was notified by e-mail.</source>
        <translation>Votre réponse a été envoyée ; l’expéditeur a été prévenu par courriel.</translation>
    </message>
    <message>
        <source>The solicitation is now « %1 ».</source>
        <translation>La sollicitation est désormais « %1 ».</translation>
    </message>
    <message>
        <source>No user to show. Type a name, an e-mail, an address or a structure above, then search.</source>
        <translation>Aucun utilisateur à afficher. Saisissez un nom, une adresse électronique, une adresse ou une structure ci-dessus, puis recherchez.</translation>
    </message>
    <message>
        <source>No structure to show. Type a SIRET or a name above, then search.</source>
        <translation>Aucune structure à afficher. Saisissez un SIRET ou une raison sociale ci-dessus, puis recherchez.</translation>
    </message>
    <message>
        <source>No solicitation in this state. Choose another state to see the others.</source>
        <translation>Aucune sollicitation dans cet état. Choisissez un autre état pour voir les autres.</translation>
    </message>
    <message>
        <source>Resend the activation &amp;mail</source>
        <translation>Renvoyer le &amp;mail d’activation</translation>
    </message>
    <message>
        <source>A new activation link was mailed to %1; the older ones no longer work. It is valid until %2.</source>
        <translation>Un nouveau lien d’activation a été envoyé à %1 ; les précédents ne fonctionnent plus. Il est valable jusqu’au %2.</translation>
    </message>
    <message>
        <source>Requests to join a structure without a principal manager: validating one makes its requester the principal manager.</source>
        <translation>Demandes de rattachement à une structure sans gestionnaire principal : en valider une fait de son demandeur le gestionnaire principal.</translation>
    </message>
    <message>
        <source>Requests to structures without a principal manager</source>
        <translation>Demandes pour des structures sans gestionnaire principal</translation>
    </message>
    <message>
        <source>No request waits for a structure without a principal manager.</source>
        <translation>Aucune demande n’attend pour une structure sans gestionnaire principal.</translation>
    </message>
    <message>
        <source>Name the requester &amp;principal manager</source>
        <translation>Nommer le demandeur gestionnaire &amp;principal</translation>
    </message>
    <message>
        <source>%1 &lt;%2&gt; (asked to join)</source>
        <translation>%1 &lt;%2&gt; (a demandé un rattachement)</translation>
    </message>
    <message>
        <source>Name the requester principal manager</source>
        <translation>Nommer le demandeur gestionnaire principal</translation>
    </message>
    <message>
        <source>Validate the request of %1: they become the principal manager of %2.</source>
        <translation>Valider la demande de %1 : cette personne devient gestionnaire principal de %2.</translation>
    </message>
    <message>
        <source>%1 (%2)</source>
        <translation>%1 (%2)</translation>
    </message>
</context>
<context>
    <name>guichet::SupportStructureModel</name>
    <message>
        <source>Raison sociale</source>
        <translation>Raison sociale</translation>
    </message>
    <message>
        <source>Principal manager</source>
        <translation>Gestionnaire principal</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>None</source>
        <translation>Aucun</translation>
    </message>
    <message>
        <source>Deactivated: %1</source>
        <translation>Désactivé : %1</translation>
    </message>
    <message>
        <source>Identifier</source>
        <translation>Identifiant</translation>
    </message>
    <message>
        <source>Type</source>
        <translation>Type</translation>
    </message>
</context>
<context>
    <name>guichet::SupportUserModel</name>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>E-mail</source>
        <translation>Courriel</translation>
    </message>
    <message>
        <source>Status</source>
        <translation>Statut</translation>
    </message>
    <message>
        <source>Active</source>
        <translation>Actif</translation>
    </message>
    <message>
        <source>Deactivated</source>
        <translation>Désactivé</translation>
    </message>
    <message>
        <source>Deactivated since</source>
        <translation>Désactivé depuis</translation>
    </message>
    <message>
        <source>Structures</source>
        <translation>Structures</translation>
    </message>
    <message>
        <source>Waiting for activation</source>
        <translation>En attente d’activation</translation>
    </message>
</context>
<context>
    <name>guichet::SyncStatusButton</name>
    <message>
        <source>Show the changes waiting to be sent and those the server refused.</source>
        <translation>Afficher les modifications en attente d’envoi et celles que le serveur a refusées.</translation>
    </message>
    <message>
        <source>Synchronisation status</source>
        <translation>État de la synchronisation</translation>
    </message>
    <message>
        <source>Offline — changes will be sent when the server is back</source>
        <translation>Hors ligne — les modifications seront envoyées au retour du serveur</translation>
    </message>
    <message>
        <source>Synchronisation error: %1</source>
        <translation>Erreur de synchronisation : %1</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) waiting</source>
        <translation>
            <numerusform>%n modification en attente</numerusform>
            <numerusform>%n modifications en attente</numerusform>
        </translation>
    </message>
    <message>
        <source>Synchronised at %1</source>
        <translation>Synchronisé à %1</translation>
    </message>
    <message>
        <source>Synchronising…</source>
        <translation>Synchronisation…</translation>
    </message>
    <message numerus="yes">
        <source>%n change(s) refused by the server</source>
        <translation>
            <numerusform>%n modification refusée par le serveur</numerusform>
            <numerusform>%n modifications refusées par le serveur</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>First synchronisation: %n row(s) received</source>
        <translation>
            <numerusform>Première synchronisation : %n ligne reçue</numerusform>
            <numerusform>Première synchronisation : %n lignes reçues</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>First synchronisation: %1 / %n row(s) received</source>
        <translation>
            <numerusform>Première synchronisation : %1 / %n ligne reçue</numerusform>
            <numerusform>Première synchronisation : %1 / %n lignes reçues</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::SyncStatusDialog</name>
    <message>
        <source>&amp;Delete</source>
        <translation>&amp;Supprimer</translation>
    </message>
    <message>
        <source>Synchronisation status</source>
        <translation>État de la synchronisation</translation>
    </message>
    <message>
        <source>Change</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>Made on</source>
        <translation>Faite le</translation>
    </message>
    <message>
        <source>Reason given by the server</source>
        <translation>Motif donné par le serveur</translation>
    </message>
    <message>
        <source>Changes waiting to be sent</source>
        <translation>Modifications en attente d’envoi</translation>
    </message>
    <message>
        <source>Changes refused by the server</source>
        <translation>Modifications refusées par le serveur</translation>
    </message>
    <message>
        <source>What you typed</source>
        <translation>Ce que vous avez saisi</translation>
    </message>
    <message>
        <source>Select a change to see what you typed.</source>
        <translation>Sélectionnez une modification pour voir ce que vous avez saisi.</translation>
    </message>
    <message>
        <source>Give up the selected refused change: it is deleted from this computer.</source>
        <translation>Abandonner la modification refusée sélectionnée : elle est supprimée de cet ordinateur.</translation>
    </message>
    <message>
        <source>Delete this refused change</source>
        <translation>Supprimer cette modification refusée</translation>
    </message>
    <message>
        <source>&amp;Waiting to be sent, in this order:</source>
        <translation>&amp;En attente d’envoi, dans cet ordre :</translation>
    </message>
    <message>
        <source>&amp;Refused by the server (nothing you typed is lost):</source>
        <translation>&amp;Refusées par le serveur (rien de ce que vous avez saisi n’est perdu) :</translation>
    </message>
    <message>
        <source>What you &amp;typed:</source>
        <translation>Ce que vous avez &amp;saisi :</translation>
    </message>
    <message>
        <source>Refused: %1</source>
        <translation>Refusée : %1</translation>
    </message>
    <message>
        <source>Delete a refused change</source>
        <translation>Supprimer une modification refusée</translation>
    </message>
    <message>
        <source>Delete the refused change « %1 »? What you typed for it will be lost.</source>
        <translation>Supprimer la modification refusée « %1 » ? Ce que vous avez saisi pour elle sera perdu.</translation>
    </message>
    <message>
        <source>The change could not be deleted.</source>
        <translation>La modification n’a pas pu être supprimée.</translation>
    </message>
</context>
<context>
    <name>guichet::TextLimits</name>
    <message numerus="yes">
        <source>This text is too long: %1 characters, at most %n accepted.</source>
        <translation>
            <numerusform>Ce texte est trop long : %1 caractères, %n au maximum.</numerusform>
            <numerusform>Ce texte est trop long : %1 caractères, %n au maximum.</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>The field %1 is too long: %2 characters, at most %n accepted.</source>
        <translation>
            <numerusform>Le champ %1 est trop long : %2 caractères, %n au maximum.</numerusform>
            <numerusform>Le champ %1 est trop long : %2 caractères, %n au maximum.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>guichet::UserSearchDialog</name>
    <message>
        <source>&amp;Search</source>
        <translation>&amp;Rechercher</translation>
    </message>
    <message>
        <source>Find a user</source>
        <translation>Rechercher un utilisateur</translation>
    </message>
    <message>
        <source>Name, postal address or e-mail</source>
        <translation>Nom, adresse postale ou adresse électronique</translation>
    </message>
    <message>
        <source>Name</source>
        <translation>Nom</translation>
    </message>
    <message>
        <source>E-mail address</source>
        <translation>Adresse électronique</translation>
    </message>
    <message>
        <source>Postal address</source>
        <translation>Adresse postale</translation>
    </message>
    <message>
        <source>Se&amp;lect</source>
        <translation>&amp;Sélectionner</translation>
    </message>
    <message>
        <source>Find the user by name, postal address or e-mail:</source>
        <translation>Recherchez l&apos;utilisateur par son nom, son adresse postale ou son adresse électronique :</translation>
    </message>
    <message>
        <source>Searching…</source>
        <translation>Recherche…</translation>
    </message>
    <message>
        <source>The search failed: %1</source>
        <translation>La recherche a échoué : %1</translation>
    </message>
    <message>
        <source>No user matches.</source>
        <translation>Aucun utilisateur ne correspond.</translation>
    </message>
    <message>
        <source>Users found</source>
        <translation>Utilisateurs trouvés</translation>
    </message>
</context>
<context>
    <name>guichet::ctl</name>
    <message>
        <source>The database %1 is not initialised: run &apos;guichetctl init&apos; first.</source>
        <translation>La base de données %1 n&apos;est pas initialisée : lancez d&apos;abord « guichetctl init ».</translation>
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
        <translation>Demandes d&apos;abonnement en attente : %1</translation>
    </message>
    <message>
        <source>Mails waiting in the outbox: %1</source>
        <translation>Courriels en attente d&apos;envoi : %1</translation>
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
        <translation>Outil d&apos;exploitation de Guichet.</translation>
    </message>
    <message>
        <source>Commands:</source>
        <translation>Commandes :</translation>
    </message>
    <message>
        <source>print the database location in use</source>
        <translation>afficher l&apos;emplacement de la base de données utilisée</translation>
    </message>
    <message>
        <source>Run &apos;guichetctl COMMAND --help&apos; for the options of a command.</source>
        <translation>Lancez « guichetctl COMMANDE --help » pour les options d&apos;une commande.</translation>
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
        <source>unknown command &apos;%1&apos; (see guichetctl --help).</source>
        <translation>commande inconnue « %1 » (voir guichetctl --help).</translation>
    </message>
    <message>
        <source>print or export the audit log</source>
        <translation>afficher ou exporter le journal d&apos;audit</translation>
    </message>
    <message>
        <source>Print the audit log, oldest first. DATE is yyyy-MM-dd (UTC; --until includes that day) or an ISO date-time such as 2026-03-02T09:00:00Z.</source>
        <translation>Afficher le journal d&apos;audit, des entrées les plus anciennes aux plus récentes. DATE est au format yyyy-MM-dd (UTC ; --until inclut ce jour) ou une date et heure ISO telle que 2026-03-02T09:00:00Z.</translation>
    </message>
    <message>
        <source>Entries at or after DATE.</source>
        <translation>Entrées à partir de DATE (incluse).</translation>
    </message>
    <message>
        <source>DATE</source>
        <translation>DATE</translation>
    </message>
    <message>
        <source>Entries before DATE (a plain date: up to its end).</source>
        <translation>Entrées antérieures à DATE (pour une date seule : jusqu&apos;à la fin de ce jour).</translation>
    </message>
    <message>
        <source>Entries about one structure, by SIRET or id.</source>
        <translation>Entrées concernant une structure, désignée par son SIRET ou son identifiant.</translation>
    </message>
    <message>
        <source>SIRET-or-id</source>
        <translation>SIRET-ou-id</translation>
    </message>
    <message>
        <source>Output format: table (default) or csv.</source>
        <translation>Format de sortie : table (par défaut) ou csv.</translation>
    </message>
    <message>
        <source>table|csv</source>
        <translation>table|csv</translation>
    </message>
    <message>
        <source>audit takes no argument (unexpected &apos;%1&apos;).</source>
        <translation>audit ne prend aucun argument (« %1 » inattendu).</translation>
    </message>
    <message>
        <source>--since: &apos;%1&apos; is not a date (yyyy-MM-dd or ISO date-time).</source>
        <translation>--since : « %1 » n&apos;est pas une date (yyyy-MM-dd ou date et heure ISO).</translation>
    </message>
    <message>
        <source>--until: &apos;%1&apos; is not a date (yyyy-MM-dd or ISO date-time).</source>
        <translation>--until : « %1 » n&apos;est pas une date (yyyy-MM-dd ou date et heure ISO).</translation>
    </message>
    <message>
        <source>--until must come after --since.</source>
        <translation>--until doit être postérieur à --since.</translation>
    </message>
    <message>
        <source>--format: &apos;%1&apos; is neither table nor csv.</source>
        <translation>--format : « %1 » n&apos;est ni table ni csv.</translation>
    </message>
    <message>
        <source>--structure: &apos;%1&apos; is neither a SIRET nor an id.</source>
        <translation>--structure : « %1 » n&apos;est ni un SIRET ni un identifiant.</translation>
    </message>
    <message>
        <source>--structure: no structure &apos;%1&apos;.</source>
        <translation>--structure : aucune structure « %1 ».</translation>
    </message>
    <message>
        <source>Cannot write to the standard output.</source>
        <translation>Impossible d&apos;écrire sur la sortie standard.</translation>
    </message>
    <message numerus="yes">
        <source>%n entries.</source>
        <translation>
            <numerusform>%n entrée.</numerusform>
            <numerusform>%n entrées.</numerusform>
        </translation>
    </message>
    <message>
        <source>password (standard input)</source>
        <translation>mot de passe (entrée standard)</translation>
    </message>
    <message>
        <source>Create a user account. The password is read from the first line of standard input.</source>
        <translation>Créer un compte utilisateur. Le mot de passe est lu sur la première ligne de l&apos;entrée standard.</translation>
    </message>
    <message>
        <source>Sign-in e-mail (unique).</source>
        <translation>Adresse électronique de connexion (unique).</translation>
    </message>
    <message>
        <source>email</source>
        <translation>courriel</translation>
    </message>
    <message>
        <source>First name.</source>
        <translation>Prénom.</translation>
    </message>
    <message>
        <source>name</source>
        <translation>nom</translation>
    </message>
    <message>
        <source>Last name.</source>
        <translation>Nom.</translation>
    </message>
    <message>
        <source>The user is support staff.</source>
        <translation>L&apos;utilisateur fait partie du support.</translation>
    </message>
    <message>
        <source>fr (default) or en.</source>
        <translation>fr (par défaut) ou en.</translation>
    </message>
    <message>
        <source>language</source>
        <translation>langue</translation>
    </message>
    <message>
        <source>users add: unexpected argument &apos;%1&apos;.</source>
        <translation>users add : argument inattendu « %1 ».</translation>
    </message>
    <message>
        <source>--%1 is required.</source>
        <translation>--%1 est obligatoire.</translation>
    </message>
    <message>
        <source>password (standard input): the first line is empty.</source>
        <translation>mot de passe (entrée standard) : la première ligne est vide.</translation>
    </message>
    <message>
        <source>User %1 created: %2</source>
        <translation>Utilisateur %1 créé : %2</translation>
    </message>
    <message>
        <source>Mail a deactivated user a reactivation link, at any time after the deactivation (support&apos;s path once the 60 days are over). The user then chooses a new password and secret question.</source>
        <translation>Envoyer par courriel un lien de réactivation à un utilisateur désactivé, à tout moment après la désactivation (la procédure du support une fois les 60 jours écoulés). L&apos;utilisateur choisit alors un nouveau mot de passe et une nouvelle question secrète.</translation>
    </message>
    <message>
        <source>The user&apos;s sign-in e-mail.</source>
        <translation>L&apos;adresse électronique de connexion de l&apos;utilisateur.</translation>
    </message>
    <message>
        <source>users reactivate takes exactly one EMAIL.</source>
        <translation>users reactivate prend exactement un argument EMAIL.</translation>
    </message>
    <message>
        <source>Reactivation mail queued for %1; the link is valid until %2.</source>
        <translation>Courriel de réactivation placé dans la boîte d&apos;envoi pour %1 ; le lien est valide jusqu&apos;au %2.</translation>
    </message>
    <message>
        <source>List the user accounts.</source>
        <translation>Lister les comptes utilisateurs.</translation>
    </message>
    <message>
        <source>table (default) or csv.</source>
        <translation>table (par défaut) ou csv.</translation>
    </message>
    <message>
        <source>format</source>
        <translation>format</translation>
    </message>
    <message>
        <source>--format must be table or csv, not &apos;%1&apos;.</source>
        <translation>--format doit valoir table ou csv, et non « %1 ».</translation>
    </message>
    <message>
        <source>users list: unexpected argument &apos;%1&apos;.</source>
        <translation>users list : argument inattendu « %1 ».</translation>
    </message>
    <message>
        <source>active</source>
        <translation>actif</translation>
    </message>
    <message>
        <source>deactivated</source>
        <translation>désactivé</translation>
    </message>
    <message>
        <source>, support</source>
        <translation>, support</translation>
    </message>
    <message>
        <source>fill an empty database with demo data</source>
        <translation>remplir une base de données vide avec des données de démonstration</translation>
    </message>
    <message>
        <source>import structures from a CSV file</source>
        <translation>importer des structures depuis un fichier CSV</translation>
    </message>
    <message>
        <source>search structures (&apos;structures search --help&apos;)</source>
        <translation>rechercher des structures (« structures search --help »)</translation>
    </message>
    <message>
        <source>add synthetic structures for benchmarks</source>
        <translation>ajouter des structures synthétiques pour les tests de performance</translation>
    </message>
    <message>
        <source>Fill an empty database with demo data: structures, users in every role, pending requests.</source>
        <translation>Remplir une base de données vide avec des données de démonstration : structures, utilisateurs dans chaque rôle, demandes en attente.</translation>
    </message>
    <message>
        <source>How many synthetic structures to add (default 300).</source>
        <translation>Nombre de structures synthétiques à ajouter (300 par défaut).</translation>
    </message>
    <message>
        <source>count</source>
        <translation>nombre</translation>
    </message>
    <message>
        <source>demo takes no argument.</source>
        <translation>demo ne prend aucun argument.</translation>
    </message>
    <message>
        <source>--structures takes a whole number from 0 to 1000000.</source>
        <translation>--structures attend un nombre entier de 0 à 1000000.</translation>
    </message>
    <message>
        <source>Demo data created in %1.</source>
        <translation>Données de démonstration créées dans %1.</translation>
    </message>
    <message>
        <source>Every demo login has the password: %1</source>
        <translation>Tous les comptes de démonstration ont pour mot de passe : %1</translation>
    </message>
    <message>
        <source>Import structures from a CSV file (UTF-8, &apos;,&apos; or &apos;;&apos; separated) whose header names the columns siret, raison_sociale, libelle, adresse, code_postal, ville. Nothing is imported when a line is wrong.</source>
        <translation>Importer des structures depuis un fichier CSV (UTF-8, séparateur « , » ou « ; ») dont l&apos;en-tête nomme les colonnes siret, raison_sociale, libelle, adresse, code_postal, ville. Rien n&apos;est importé si une ligne est erronée.</translation>
    </message>
    <message>
        <source>The CSV file.</source>
        <translation>Le fichier CSV.</translation>
    </message>
    <message>
        <source>import-structures takes one CSV file.</source>
        <translation>import-structures prend un seul fichier CSV.</translation>
    </message>
    <message>
        <source>cannot read %1: %2</source>
        <translation>impossible de lire %1 : %2</translation>
    </message>
    <message>
        <source>Importing structures: %1%</source>
        <translation>Import des structures : %1%</translation>
    </message>
    <message>
        <source>line %1: %2</source>
        <translation>ligne %1 : %2</translation>
    </message>
    <message numerus="yes">
        <source>Imported %n structure(s).</source>
        <translation>
            <numerusform>%n structure importée.</numerusform>
            <numerusform>%n structures importées.</numerusform>
        </translation>
    </message>
    <message>
        <source>structures search: find structures. &apos;*&apos; is a wildcard; a criterion without &apos;*&apos; matches the whole field; case and accents are ignored; criteria are combined.</source>
        <translation>structures search : rechercher des structures. « * » est un caractère joker ; un critère sans « * » doit correspondre au champ entier ; la casse et les accents sont ignorés ; les critères se cumulent.</translation>
    </message>
    <message>
        <source>The sub-command (search).</source>
        <translation>La sous-commande (search).</translation>
    </message>
    <message>
        <source>Raison sociale pattern.</source>
        <translation>Motif de raison sociale.</translation>
    </message>
    <message>
        <source>pattern</source>
        <translation>motif</translation>
    </message>
    <message>
        <source>SIRET pattern.</source>
        <translation>Motif de SIRET.</translation>
    </message>
    <message>
        <source>Label pattern.</source>
        <translation>Motif de libellé.</translation>
    </message>
    <message>
        <source>Postal code pattern.</source>
        <translation>Motif de code postal.</translation>
    </message>
    <message>
        <source>City pattern.</source>
        <translation>Motif de ville.</translation>
    </message>
    <message>
        <source>At most this many rows (default 50).</source>
        <translation>Nombre maximal de lignes (50 par défaut).</translation>
    </message>
    <message>
        <source>n</source>
        <translation>n</translation>
    </message>
    <message>
        <source>structures needs a sub-command: search.</source>
        <translation>structures attend une sous-commande : search.</translation>
    </message>
    <message>
        <source>unknown sub-command &apos;structures %1&apos; (expected: search).</source>
        <translation>sous-commande inconnue « structures %1 » (attendue : search).</translation>
    </message>
    <message>
        <source>structures search takes options only, not &apos;%1&apos;.</source>
        <translation>structures search ne prend que des options, et non « %1 ».</translation>
    </message>
    <message>
        <source>--limit must be a positive number, not &apos;%1&apos;.</source>
        <translation>--limit doit être un nombre positif, et non « %1 ».</translation>
    </message>
    <message>
        <source>structures search needs at least one criterion (--raison-sociale, --siret, --libelle, --code-postal or --ville).</source>
        <translation>structures search attend au moins un critère (--raison-sociale, --siret, --libelle, --code-postal ou --ville).</translation>
    </message>
    <message>
        <source>SIRET</source>
        <translation>SIRET</translation>
    </message>
    <message>
        <source>Raison sociale</source>
        <translation>Raison sociale</translation>
    </message>
    <message>
        <source>Label</source>
        <translation>Libellé</translation>
    </message>
    <message>
        <source>Postal code</source>
        <translation>Code postal</translation>
    </message>
    <message>
        <source>City</source>
        <translation>Ville</translation>
    </message>
    <message>
        <source>%1 of %2 matching structures shown.</source>
        <translation>Structures correspondantes affichées : %1 sur %2.</translation>
    </message>
    <message>
        <source>Add synthetic structures for benchmarks and demos.</source>
        <translation>Ajouter des structures synthétiques pour les tests de performance et les démonstrations.</translation>
    </message>
    <message>
        <source>How many structures to add.</source>
        <translation>Nombre de structures à ajouter.</translation>
    </message>
    <message>
        <source>Random seed (default 1).</source>
        <translation>Graine aléatoire (1 par défaut).</translation>
    </message>
    <message>
        <source>bench-data takes options only, not &apos;%1&apos;.</source>
        <translation>bench-data ne prend que des options, et non « %1 ».</translation>
    </message>
    <message>
        <source>bench-data needs --structures N.</source>
        <translation>bench-data attend --structures N.</translation>
    </message>
    <message>
        <source>--structures must be a positive number, not &apos;%1&apos;.</source>
        <translation>--structures doit être un nombre positif, et non « %1 ».</translation>
    </message>
    <message>
        <source>--seed must be a number, not &apos;%1&apos;.</source>
        <translation>--seed doit être un nombre, et non « %1 ».</translation>
    </message>
    <message>
        <source>Added %1 synthetic structures in %2 s.</source>
        <translation>Structures synthétiques ajoutées : %1 (en %2 s).</translation>
    </message>
    <message>
        <source>Deliver the mails waiting in the outbox now.</source>
        <translation>Envoyer maintenant les courriels en attente dans la boîte d&apos;envoi.</translation>
    </message>
    <message>
        <source>The sub-command.</source>
        <translation>La sous-commande.</translation>
    </message>
    <message>
        <source>SMTP server: smtp://[user:password@]host:port or smtps://... (default: smtp://localhost:25).</source>
        <translation>Serveur SMTP : smtp://[utilisateur:motdepasse@]hôte:port ou smtps://... (par défaut : smtp://localhost:25).</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Sender address (default: guichet@localhost).</source>
        <translation>Adresse de l&apos;expéditeur (par défaut : guichet@localhost).</translation>
    </message>
    <message>
        <source>ADDRESS</source>
        <translation>ADRESSE</translation>
    </message>
    <message>
        <source>Require STARTTLS on an smtp:// server.</source>
        <translation>Exiger STARTTLS sur un serveur smtp://.</translation>
    </message>
    <message>
        <source>At most N mails (default: 100).</source>
        <translation>Au plus N courriels (100 par défaut).</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>mail deliver takes no other argument.</source>
        <translation>mail deliver ne prend pas d&apos;autre argument.</translation>
    </message>
    <message>
        <source>--from: &apos;%1&apos; is not an e-mail address.</source>
        <translation>--from : « %1 » n&apos;est pas une adresse électronique.</translation>
    </message>
    <message>
        <source>--limit: &apos;%1&apos; is not a positive number.</source>
        <translation>--limit : « %1 » n&apos;est pas un nombre positif.</translation>
    </message>
    <message>
        <source>Sent: %1, failed (will retry): %2, given up: %3, dropped (deactivated account): %4</source>
        <translation>Envoyés : %1, en échec (nouvel essai prévu) : %2, abandonnés : %3, écartés (compte désactivé) : %4</translation>
    </message>
    <message>
        <source>Delivery failed: %1</source>
        <translation>L&apos;envoi a échoué : %1</translation>
    </message>
    <message>
        <source>Usage: guichetctl mail deliver [--smtp URL] [--from ADDRESS] [--limit N]</source>
        <translation>Usage : guichetctl mail deliver [--smtp URL] [--from ADRESSE] [--limit N]</translation>
    </message>
    <message>
        <source>deliver the mail outbox, queue the notification digests (&apos;mail --help&apos;)</source>
        <translation>distribuer la boîte d’envoi, préparer les récapitulatifs de notifications (« mail --help »)</translation>
    </message>
    <message>
        <source>Queue the daily or weekly notification mails now (each user at most once a day, or a week).</source>
        <translation>Préparer maintenant les messages de notification quotidiens ou hebdomadaires (au plus une fois par jour, ou par semaine, pour chaque utilisateur).</translation>
    </message>
    <message>
        <source>daily or weekly.</source>
        <translation>daily (quotidien) ou weekly (hebdomadaire).</translation>
    </message>
    <message>
        <source>Run as at this moment (ISO 8601; default: now).</source>
        <translation>Exécuter comme à cet instant (ISO 8601 ; par défaut : maintenant).</translation>
    </message>
    <message>
        <source>ISO</source>
        <translation>ISO</translation>
    </message>
    <message>
        <source>Remind managers of requests pending for more than N days and of attachments ending within N days (default: %1).</source>
        <translation>Rappeler aux gestionnaires les demandes en attente depuis plus de N jours et les rattachements qui prennent fin dans N jours (par défaut : %1).</translation>
    </message>
    <message>
        <source>mail digest takes one kind: daily or weekly.</source>
        <translation>mail digest prend un type : daily ou weekly.</translation>
    </message>
    <message>
        <source>mail digest: unknown kind &apos;%1&apos; (expected: daily or weekly).</source>
        <translation>mail digest : type « %1 » inconnu (attendu : daily ou weekly).</translation>
    </message>
    <message>
        <source>--now: &apos;%1&apos; is not an ISO 8601 date and time (e.g. 2026-03-02T07:00).</source>
        <translation>--now : « %1 » n’est pas une date et heure ISO 8601 (par exemple 2026-03-02T07:00).</translation>
    </message>
    <message>
        <source>--reminder-days: &apos;%1&apos; is not a positive number.</source>
        <translation>--reminder-days : « %1 » n’est pas un nombre positif.</translation>
    </message>
    <message>
        <source>Daily notifications queued: %1 mail(s) (%2).</source>
        <translation>Notifications quotidiennes préparées : %1 message(s) (%2).</translation>
    </message>
    <message>
        <source>Weekly summaries queued: %1 mail(s) (%2).</source>
        <translation>Récapitulatifs hebdomadaires préparés : %1 message(s) (%2).</translation>
    </message>
    <message>
        <source>       guichetctl mail digest daily|weekly [--now ISO] [--reminder-days N]</source>
        <translation>       guichetctl mail digest daily|weekly [--now ISO] [--reminder-days N]</translation>
    </message>
    <message>
        <source>mail: unknown sub-command &apos;%1&apos; (expected: deliver, digest).</source>
        <translation>mail : sous-commande « %1 » inconnue (attendu : deliver, digest).</translation>
    </message>
    <message>
        <source>copy the SQLite database into a backup file</source>
        <translation>copier la base SQLite dans un fichier de sauvegarde</translation>
    </message>
    <message>
        <source>replace the SQLite database with a checked backup</source>
        <translation>remplacer la base SQLite par une sauvegarde vérifiée</translation>
    </message>
    <message>
        <source>Copy the SQLite database into a new file while it is in use. For PostgreSQL, use pg_dump (docs/OPERATIONS.md).</source>
        <translation>Copier la base SQLite dans un nouveau fichier pendant son utilisation. Pour PostgreSQL, utilisez pg_dump (docs/OPERATIONS.md).</translation>
    </message>
    <message>
        <source>The backup file to create.</source>
        <translation>Le fichier de sauvegarde à créer.</translation>
    </message>
    <message>
        <source>backup takes one file name.</source>
        <translation>backup prend un nom de fichier.</translation>
    </message>
    <message>
        <source>backup copies SQLite databases; for PostgreSQL use pg_dump (docs/OPERATIONS.md).</source>
        <translation>backup copie les bases SQLite ; pour PostgreSQL, utilisez pg_dump (docs/OPERATIONS.md).</translation>
    </message>
    <message>
        <source>Backed up %1 to %2.</source>
        <translation>%1 sauvegardé dans %2.</translation>
    </message>
    <message>
        <source>Replace the SQLite database with a backup made by &apos;guichetctl backup&apos;, after checking it. Stop guichetd first. For PostgreSQL, use pg_restore (docs/OPERATIONS.md).</source>
        <translation>Remplacer la base SQLite par une sauvegarde faite par « guichetctl backup », après l’avoir vérifiée. Arrêtez d’abord guichetd. Pour PostgreSQL, utilisez pg_restore (docs/OPERATIONS.md).</translation>
    </message>
    <message>
        <source>The backup file.</source>
        <translation>Le fichier de sauvegarde.</translation>
    </message>
    <message>
        <source>restore takes one backup file.</source>
        <translation>restore prend un fichier de sauvegarde.</translation>
    </message>
    <message>
        <source>restore replaces SQLite databases; for PostgreSQL use pg_restore (docs/OPERATIONS.md).</source>
        <translation>restore remplace les bases SQLite ; pour PostgreSQL, utilisez pg_restore (docs/OPERATIONS.md).</translation>
    </message>
    <message>
        <source>Restored %1 from %2.</source>
        <translation>%1 restauré depuis %2.</translation>
    </message>
    <message>
        <source>waiting for activation</source>
        <translation>en attente d&apos;activation</translation>
    </message>
    <message>
        <source>add a user, mail a reactivation link, list users, export a structure&apos;s users</source>
        <translation>ajouter un utilisateur, envoyer un lien de réactivation par courriel, lister les utilisateurs, exporter les utilisateurs d&apos;une structure</translation>
    </message>
    <message>
        <source>Export a structure&apos;s users with their rights (role, services, spaces, modes, validity) as CSV: &apos;;&apos; separated, UTF-8 with a byte-order mark, as the desktop&apos;s export.</source>
        <translation>Exporter les utilisateurs d&apos;une structure avec leurs droits (rôle, services, espaces, modes, validité) en CSV : séparé par « ; », en UTF-8 avec une marque d&apos;ordre des octets, comme l&apos;export du poste de travail.</translation>
    </message>
    <message>
        <source>The structure, by SIRET or id (required).</source>
        <translation>La structure, par SIRET ou identifiant (obligatoire).</translation>
    </message>
    <message>
        <source>siret|id</source>
        <translation>siret|id</translation>
    </message>
    <message>
        <source>Write to FILE instead of the standard output.</source>
        <translation>Écrire dans FICHIER plutôt que sur la sortie standard.</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>users export: unexpected argument &apos;%1&apos;.</source>
        <translation>users export : argument inattendu « %1 ».</translation>
    </message>
    <message>
        <source>--structure is required (a SIRET or an id).</source>
        <translation>--structure est obligatoire (un SIRET ou un identifiant).</translation>
    </message>
    <message>
        <source>--output: give a file name.</source>
        <translation>--output : indiquez un nom de fichier.</translation>
    </message>
    <message>
        <source>The file %1 could not be written: %2</source>
        <translation>Le fichier %1 n&apos;a pas pu être écrit : %2</translation>
    </message>
    <message>
        <source>The users of %1 were exported to %2.</source>
        <translation>Les utilisateurs de %1 ont été exportés dans %2.</translation>
    </message>
    <message>
        <source>Usage: guichetctl users add|reactivate|list|export [options]
  add         create a user account (password on standard input)
  reactivate  mail a deactivated user a reactivation link
  list        list the user accounts
  export      export a structure&apos;s users with their rights (CSV)
Run &apos;guichetctl users SUB-COMMAND --help&apos; for its options.
</source>
        <translation>Utilisation : guichetctl users add|reactivate|list|export [options]
  add         créer un compte utilisateur (mot de passe sur l&apos;entrée standard)
  reactivate  envoyer par courriel un lien de réactivation à un utilisateur désactivé
  list        lister les comptes utilisateurs
  export      exporter les utilisateurs d&apos;une structure avec leurs droits (CSV)
Lancez « guichetctl users SOUS-COMMANDE --help » pour ses options.
</translation>
    </message>
    <message>
        <source>users needs a sub-command: add, reactivate, list or export.</source>
        <translation>users attend une sous-commande : add, reactivate, list ou export.</translation>
    </message>
    <message>
        <source>users: unknown sub-command &apos;%1&apos; (add, reactivate, list or export).</source>
        <translation>users : sous-commande inconnue « %1 » (add, reactivate, list ou export).</translation>
    </message>
</context>
<context>
    <name>guichet::guichetd</name>
    <message>
        <source>Guichet&apos;s central server: the HTTP/JSON API of docs/API.md.</source>
        <translation>Serveur central de Guichet : l’API HTTP/JSON décrite dans docs/API.md.</translation>
    </message>
    <message>
        <source>SQLite file or postgresql://user:password@host:port/name.</source>
        <translation>Fichier SQLite ou postgresql://utilisateur:motdepasse@hôte:port/nom.</translation>
    </message>
    <message>
        <source>LOCATION</source>
        <translation>EMPLACEMENT</translation>
    </message>
    <message>
        <source>Address and port to listen on (port 0: any free port).</source>
        <translation>Adresse et port d’écoute (port 0 : n’importe quel port libre).</translation>
    </message>
    <message>
        <source>HOST:PORT</source>
        <translation>HÔTE:PORT</translation>
    </message>
    <message>
        <source>PEM certificate: serve HTTPS (with --tls-key).</source>
        <translation>Certificat PEM : servir en HTTPS (avec --tls-key).</translation>
    </message>
    <message>
        <source>FILE</source>
        <translation>FICHIER</translation>
    </message>
    <message>
        <source>PEM private key of --tls-cert.</source>
        <translation>Clé privée PEM de --tls-cert.</translation>
    </message>
    <message>
        <source>Largest request body accepted, in bytes.</source>
        <translation>Taille maximale acceptée du corps d’une requête, en octets.</translation>
    </message>
    <message>
        <source>BYTES</source>
        <translation>OCTETS</translation>
    </message>
    <message>
        <source>Days a sign-in session lasts.</source>
        <translation>Durée d’une session de connexion, en jours.</translation>
    </message>
    <message>
        <source>N</source>
        <translation>N</translation>
    </message>
    <message>
        <source>Language of the messages: fr or en.</source>
        <translation>Langue des messages : fr ou en.</translation>
    </message>
    <message>
        <source>LANG</source>
        <translation>LANGUE</translation>
    </message>
    <message>
        <source>Deliver the mail outbox every minute to this SMTP server (smtp://[user:password@]host:port or smtps://...).</source>
        <translation>Distribuer la boîte d’envoi chaque minute à ce serveur SMTP (smtp://[utilisateur:motdepasse@]hôte:port ou smtps://...).</translation>
    </message>
    <message>
        <source>URL</source>
        <translation>URL</translation>
    </message>
    <message>
        <source>Sender address of the mails (default: guichet@localhost).</source>
        <translation>Adresse d’expédition des messages (par défaut : guichet@localhost).</translation>
    </message>
    <message>
        <source>ADDRESS</source>
        <translation>ADRESSE</translation>
    </message>
    <message>
        <source>Require STARTTLS on an smtp:// server.</source>
        <translation>Exiger STARTTLS sur un serveur smtp://.</translation>
    </message>
    <message>
        <source>unexpected argument &apos;%1&apos;.</source>
        <translation>argument inattendu « %1 ».</translation>
    </message>
    <message>
        <source>--tls-cert and --tls-key must both name readable PEM files.</source>
        <translation>--tls-cert et --tls-key doivent tous deux désigner des fichiers PEM lisibles.</translation>
    </message>
    <message>
        <source>--tls-cert/--tls-key: no certificate or key could be read.</source>
        <translation>--tls-cert/--tls-key : aucun certificat ou clé n’a pu être lu.</translation>
    </message>
    <message>
        <source>The request is larger than this server accepts (%1 bytes).</source>
        <translation>La requête dépasse la taille que ce serveur accepte (%1 octets).</translation>
    </message>
    <message>
        <source>cannot listen on %1: %2</source>
        <translation>impossible d’écouter sur %1 : %2</translation>
    </message>
    <message>
        <source>cannot set up signal handling.</source>
        <translation>impossible de mettre en place la gestion des signaux.</translation>
    </message>
    <message>
        <source>mail delivery: %1</source>
        <translation>distribution du courrier : %1</translation>
    </message>
    <message>
        <source>Local time the daily notification mails are queued.</source>
        <translation>Heure locale à laquelle les notifications quotidiennes sont préparées.</translation>
    </message>
    <message>
        <source>HH:MM</source>
        <translation>HH:MM</translation>
    </message>
    <message>
        <source>Day and local time the weekly summaries are queued.</source>
        <translation>Jour et heure locale auxquels les récapitulatifs hebdomadaires sont préparés.</translation>
    </message>
    <message>
        <source>DAY HH:MM</source>
        <translation>JOUR HH:MM</translation>
    </message>
    <message>
        <source>Every option can also be set by an environment variable GUICHETD_&lt;OPTION&gt; (e.g. GUICHETD_MAX_BODY; --from is GUICHETD_SMTP_FROM); the command line wins.</source>
        <translation>Chaque option peut aussi être donnée par une variable d’environnement GUICHETD_&lt;OPTION&gt; (par exemple GUICHETD_MAX_BODY ; --from est GUICHETD_SMTP_FROM) ; la ligne de commande l’emporte.</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is neither fr nor en.</source>
        <translation>%1 : « %2 » n’est ni fr ni en.</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a positive number.</source>
        <translation>%1 : « %2 » n’est pas un nombre positif.</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number of days (1 to 3650).</source>
        <translation>%1 : « %2 » n’est pas un nombre de jours (1 à 3650).</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number from 1 to 64.</source>
        <translation>%1 : « %2 » n’est pas un nombre de 1 à 64.</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not HOST:PORT (e.g. 127.0.0.1:8443).</source>
        <translation>%1 : « %2 » n’est pas de la forme HÔTE:PORT (par exemple 127.0.0.1:8443).</translation>
    </message>
    <message>
        <source>notification mails: %1</source>
        <translation>messages de notification : %1</translation>
    </message>
    <message>
        <source>Seconds after which a connection with nothing asked and nothing owed is closed.</source>
        <translation>Secondes au bout desquelles une connexion sans requête en cours ni réponse due est fermée.</translation>
    </message>
    <message>
        <source>SECONDS</source>
        <translation>SECONDES</translation>
    </message>
    <message>
        <source>Seconds a request has to arrive whole (headers and body) from its first byte; then 408.</source>
        <translation>Secondes dont dispose une requête pour arriver entière (en-têtes et corps) depuis son premier octet ; ensuite 408.</translation>
    </message>
    <message>
        <source>Open connections this instance serves at most; further ones get 503 and are closed.</source>
        <translation>Nombre maximal de connexions ouvertes servies par cette instance ; les suivantes reçoivent 503 et sont fermées.</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number of seconds (1 to 86400).</source>
        <translation>%1 : « %2 » n’est pas un nombre de secondes (de 1 à 86400).</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number from 1 to 1000000.</source>
        <translation>%1 : « %2 » n’est pas un nombre de 1 à 1000000.</translation>
    </message>
    <message>
        <source>The request&apos;s headers are larger than this server accepts.</source>
        <translation>Les en-têtes de la requête dépassent la taille acceptée par ce serveur.</translation>
    </message>
    <message>
        <source>The request did not arrive in time.</source>
        <translation>La requête n&apos;est pas arrivée à temps.</translation>
    </message>
    <message>
        <source>This server has too many open connections; try again shortly.</source>
        <translation>Ce serveur a trop de connexions ouvertes ; réessayez dans un instant.</translation>
    </message>
    <message>
        <source>The request is malformed: it needs a request line such as GET /path HTTP/1.1, header lines of the form Name: value, one Content-Length header for a body, and no Transfer-Encoding.</source>
        <translation>La requête est mal formée : il lui faut une ligne de requête comme GET /chemin HTTP/1.1, des lignes d&apos;en-tête de la forme Nom: valeur, un seul en-tête Content-Length pour un corps, et aucun Transfer-Encoding.</translation>
    </message>
    <message>
        <source>Threads that verify sign-in passwords (argon2id, 64 MiB each); default: half the processors, 1 to 4.</source>
        <translation>Threads qui vérifient les mots de passe à la connexion (argon2id, 64 Mio chacun) ; par défaut : la moitié des processeurs, de 1 à 4.</translation>
    </message>
    <message>
        <source>Requests per minute each client address may send to the routes that need no sign-in (sign-in, reactivation, …); beyond, 429 with Retry-After.</source>
        <translation>Requêtes par minute que chaque adresse cliente peut envoyer aux routes sans connexion (connexion, réactivation, …) ; au-delà, 429 avec Retry-After.</translation>
    </message>
    <message>
        <source>Reverse proxies whose X-Forwarded-For names the client (addresses or subnets, separated by commas, e.g. 127.0.0.1,::1); none by default: the client is the TCP peer.</source>
        <translation>Mandataires inverses dont l&apos;en-tête X-Forwarded-For désigne le client (adresses ou sous-réseaux, séparés par des virgules, p. ex. 127.0.0.1,::1) ; aucun par défaut : le client est le pair TCP.</translation>
    </message>
    <message>
        <source>ADDRESSES</source>
        <translation>ADRESSES</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not a number from 1 to %3.</source>
        <translation>%1 : « %2 » n&apos;est pas un nombre de 1 à %3.</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is neither an address nor a subnet (e.g. 10.0.0.0/8).</source>
        <translation>%1 : « %2 » n&apos;est ni une adresse ni un sous-réseau (p. ex. 10.0.0.0/8).</translation>
    </message>
    <message>
        <source>Address the desktops reach this server at (https://...): the links of the mails name it, so that a desktop using another server refuses them.</source>
        <translation>Adresse à laquelle les postes de travail joignent ce serveur (https://...) : les liens des courriels la nomment, pour qu’un poste utilisant un autre serveur les refuse.</translation>
    </message>
    <message>
        <source>%1: &apos;%2&apos; is not an http:// or https:// address.</source>
        <translation>%1 : « %2 » n’est pas une adresse http:// ou https://.</translation>
    </message>
    <message>
        <source>Answer bytes a connection may leave unread before guichetd stops reading its next requests (a client that reads nothing for --idle-timeout is then closed).</source>
        <translation>Octets de réponse qu’une connexion peut laisser non lus avant que guichetd cesse de lire ses requêtes suivantes (un client qui ne lit rien pendant --idle-timeout est alors déconnecté).</translation>
    </message>
    <message>
        <source>Threads, each with its own database connection: how many requests run on the database at once (default: 4 on SQLite, 8 on PostgreSQL).</source>
        <translation>Fils d’exécution, chacun avec sa propre connexion à la base : combien de requêtes passent par la base à la fois (par défaut : 4 avec SQLite, 8 avec PostgreSQL).</translation>
    </message>
</context>
<context>
    <name>guichet::labels</name>
    <message>
        <source>Principal manager</source>
        <translation>Gestionnaire principal</translation>
    </message>
    <message>
        <source>Secondary manager</source>
        <translation>Gestionnaire secondaire</translation>
    </message>
    <message>
        <source>User</source>
        <translation>Utilisateur</translation>
    </message>
    <message>
        <source>Modification</source>
        <translation>Modification</translation>
    </message>
    <message>
        <source>Consultation</source>
        <translation>Consultation</translation>
    </message>
    <message>
        <source>%1 – %2</source>
        <translation>%1 – %2</translation>
    </message>
    <message>
        <source>from %1</source>
        <translation>à partir du %1</translation>
    </message>
    <message>
        <source>Whole structure</source>
        <translation>Toute la structure</translation>
    </message>
    <message>
        <source>Signed-in home</source>
        <translation>Accueil connecté</translation>
    </message>
    <message>
        <source>Manager activity</source>
        <translation>Activité du gestionnaire</translation>
    </message>
    <message>
        <source>Issued invoices</source>
        <translation>Factures émises</translation>
    </message>
    <message>
        <source>Received invoices</source>
        <translation>Factures reçues</translation>
    </message>
    <message>
        <source>Sent solicitations</source>
        <translation>Sollicitations émises</translation>
    </message>
    <message>
        <source>Received solicitations</source>
        <translation>Sollicitations reçues</translation>
    </message>
    <message>
        <source>My account</source>
        <translation>Mon compte</translation>
    </message>
    <message>
        <source>Generated automatically: this space is set for the whole structure.</source>
        <translation>Générée automatiquement : cet espace est paramétré pour toute la structure.</translation>
    </message>
    <message>
        <source>Copied from another user&apos;s rights</source>
        <translation>Copié des droits d’un autre utilisateur</translation>
    </message>
</context>
<context>
    <name>guichet::main</name>
    <message>
        <source>Guichet: manage your user account of the e-invoicing portal.</source>
        <translation>Guichet : gérez votre compte utilisateur du portail de facturation électronique.</translation>
    </message>
    <message>
        <source>SQLite file or postgresql:// URL.</source>
        <translation>Fichier SQLite ou URL postgresql://.</translation>
    </message>
    <message>
        <source>location</source>
        <translation>emplacement</translation>
    </message>
    <message>
        <source>Interface language: fr or en.</source>
        <translation>Langue de l&apos;interface : fr ou en.</translation>
    </message>
    <message>
        <source>language</source>
        <translation>langue</translation>
    </message>
    <message>
        <source>Save a picture of the first window and quit.</source>
        <translation>Enregistrer une image de la première fenêtre puis quitter.</translation>
    </message>
    <message>
        <source>file</source>
        <translation>fichier</translation>
    </message>
    <message>
        <source>Guichet</source>
        <translation>Guichet</translation>
    </message>
    <message>
        <source>A guichet:// link from a mail: opens its page, in the Guichet already running if there is one.</source>
        <translation>Un lien guichet:// reçu par courriel : ouvre sa page, dans le Guichet déjà ouvert s&apos;il y en a un.</translation>
    </message>
</context>
</TS>
