from allauth.account.adapter import DefaultAccountAdapter


class AccountAdapter(DefaultAccountAdapter):
    def populate_username(self, request, user):
        # allauth would make one from the email; User.save() derives it from the display name.
        pass
