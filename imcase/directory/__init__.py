"""Optional login against the Landratsamt's LDAP / Active Directory (django-auth-ldap)."""
