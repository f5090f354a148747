/**
 * Reading and checking what clients send the local Auth server, with GoTrue's refusals: a body
 * that is not a JSON object, an invalid email, a short password, an anonymous user setting a
 * password without an email.
 *
 * @example
 * ```ts
 * const { email, password } = readCredentials(await readJsonBody(request), "login");
 * ```
 */
import { AuthError } from "./errors.ts";
import type { UserChanges } from "./store.ts";
import type { UserRow } from "./user_json.ts";

/** GoTrue's default minimum password length. */
export const MIN_PASSWORD_LENGTH = 6;
// What GoTrue's email check refuses at a glance: no local part, no dot in the domain, spaces.
const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

export type Body = Record<string, unknown>;

export async function readJsonBody(request: Request): Promise<Body> {
  const text = await request.text();
  if (!text) return {};
  try {
    const parsed = JSON.parse(text);
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed;
  } catch {
    // Answered below, without echoing the body.
  }
  throw new AuthError(400, "bad_json", "Could not parse request body as JSON");
}

export function stringField(body: Body, name: string): string {
  const value = body[name];
  return typeof value === "string" ? value : "";
}

function checkEmail(raw: string): string {
  const email = raw.trim().toLowerCase();
  if (!EMAIL.test(email) || email.length > 255) {
    throw new AuthError(
      400,
      "validation_failed",
      "Unable to validate email address: invalid format",
    );
  }
  return email;
}

function checkPassword(password: string): string {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new AuthError(
      422,
      "weak_password",
      `Password should be at least ${MIN_PASSWORD_LENGTH} characters.`,
      { weak_password: { reasons: ["length"] } },
    );
  }
  return password;
}

/** Email and password for a sign-up or a password sign-in. */
export function readCredentials(body: Body, purpose: "signup" | "login") {
  const email = stringField(body, "email");
  const password = stringField(body, "password");
  if (stringField(body, "phone")) {
    throw new AuthError(422, "phone_provider_disabled", "Phone logins are disabled");
  }
  if (purpose === "login") {
    if (!email) throw new AuthError(400, "validation_failed", "missing email or phone");
    return { email: email.trim().toLowerCase(), password };
  }
  if (!password) throw new AuthError(400, "validation_failed", "Signup requires a valid password");
  return { email: checkEmail(email), password: checkPassword(password) };
}

/** The changes of a `PUT /user`, checked against the user making them. */
export function readUserChanges(body: Body, user: UserRow): UserChanges {
  const changes: UserChanges = {};
  const email = stringField(body, "email");
  const password = stringField(body, "password");
  if (email && email.trim().toLowerCase() !== user.email) changes.email = checkEmail(email);
  if (password) {
    if (user.is_anonymous && !changes.email && !user.email) {
      throw new AuthError(
        422,
        "validation_failed",
        "Updating password of an anonymous user without an email or phone is not allowed",
      );
    }
    changes.password = checkPassword(password);
  }
  if (body.data && typeof body.data === "object" && !Array.isArray(body.data)) {
    changes.data = body.data as Record<string, unknown>;
  }
  return changes;
}
