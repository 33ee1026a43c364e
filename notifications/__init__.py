"""What the portal tells an applicant about their applications: one notification per event
that concerns them (information requested, approved, registered, rejected), listed in the
portal and written as an e-mail in their language. flows decides which events notify and
hands the e-mail to the outbox; this context keeps the notifications and their wording."""
