; Forget the guichet:// handler registered at installation.
DeleteRegKey SHCTX "Software\Classes\guichet"
