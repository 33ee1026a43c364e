"""Account operations: sign-up, credential checks and role management."""

from __future__ import annotations

from email_validator import EmailNotValidError, validate_email
from sqlalchemy import update
from sqlmodel import Session, col, select

from core.accounts.models import Role, User
from core.eec import estates
from core.errors import N_, FieldError, Invalid, register_messages
from core.security import hash_password, spend_a_verification, verify_password

MIN_PASSWORD_LENGTH = 10

MESSAGES = {
    "account.email_invalid": N_("Enter a valid e-mail address, like name@example.com."),
    "account.email_taken": N_("An account with this e-mail already exists. Sign in instead."),
    "account.name_required": N_("Enter your full name."),
    "account.password_short": N_("Use a password of at least {min} characters."),
    "account.password_mismatch": N_("The two passwords do not match."),
    "account.consent_required": N_("You must accept the privacy notice to create an account."),
    "account.bad_credentials": N_("The e-mail or password is not correct."),
    "account.estate_required": N_(
        "An estate operator needs an industrial estate; other roles have none."),
    "account.current_password_wrong": N_("Your current password is not correct."),
    "account.password_changed": N_("Your password is changed. Every other device was signed out."),
}
register_messages(MESSAGES)


def normalise_email(email: str) -> str:
    return email.strip().lower()


def sign_up(
    session: Session,
    *,
    email: str,
    full_name: str,
    password: str,
    password_confirm: str,
    consent: bool,
    lang: str,
    role: Role = Role.applicant,
    estate_id: str | None = None,
    check_deliverability: bool = False,
) -> User:
    errors: list[FieldError] = []
    try:
        email = validate_email(email.strip(), check_deliverability=check_deliverability).normalized
        email = normalise_email(email)
    except EmailNotValidError:
        errors.append(FieldError("email", "account.email_invalid"))
    else:
        if session.exec(select(User).where(User.email == email)).first():
            errors.append(FieldError("email", "account.email_taken"))
    if not full_name.strip():
        errors.append(FieldError("full_name", "account.name_required"))
    errors.extend(_password_errors(password, password_confirm))
    if not consent:
        errors.append(FieldError("consent", "account.consent_required"))
    if role == Role.estate_operator:
        if estate_id not in estates():
            errors.append(FieldError("estate_id", "account.estate_required"))
    elif estate_id:
        errors.append(FieldError("estate_id", "account.estate_required"))
    # Hashed whatever the outcome, so that a taken e-mail is refused as slowly as a new one
    # is accepted and the timing does not tell which accounts exist.
    password_hash = hash_password(password)
    if errors:
        raise Invalid(errors)
    user = User(
        email=email,
        full_name=full_name.strip()[:200],
        password_hash=password_hash,
        preferred_lang=lang,
        role=role,
        estate_id=estate_id if role == Role.estate_operator else None,
    )
    session.add(user)
    session.flush()
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    user = user_by_email(session, email)
    if user is None or not user.is_active:
        spend_a_verification(password)  # as slow as a wrong password: existence stays secret
        return None
    if not verify_password(user.password_hash, password):
        return None
    return user


def _password_errors(password: str, confirm: str, field: str = "password") -> list[FieldError]:
    if len(password) < MIN_PASSWORD_LENGTH:
        return [FieldError(field, "account.password_short", {"min": MIN_PASSWORD_LENGTH})]
    if password != confirm:
        return [FieldError(f"{field}_confirm", "account.password_mismatch")]
    return []


def user_by_email(session: Session, email: str) -> User | None:
    return session.exec(select(User).where(User.email == normalise_email(email))).first()


STAFF_ROLES = (Role.officer, Role.admin, Role.estate_operator)


def list_staff(session: Session) -> list[User]:
    """Officers, admins and estate operators, by e-mail."""
    return list(session.exec(select(User).where(col(User.role).in_(STAFF_ROLES))
                             .order_by(col(User.email))).all())


def end_sessions(session: Session, user: User) -> None:
    """Sign the user out everywhere: every session cookie issued so far stops working."""
    session.exec(update(User).where(col(User.id) == user.id)
                 .values(session_version=col(User.session_version) + 1))
    session.refresh(user)


def change_password(session: Session, user: User, *, current: str, new: str,
                    confirm: str) -> None:
    """A new password ends every session, so whoever knew the old one is signed out too;
    the caller starts a fresh session for the user who changed it."""
    errors = _password_errors(new, confirm, "new_password")
    if not verify_password(user.password_hash, current):
        errors.insert(0, FieldError("current_password", "account.current_password_wrong"))
    if errors:
        raise Invalid(errors)
    user.password_hash = hash_password(new)
    session.add(user)
    session.flush()
    end_sessions(session, user)
