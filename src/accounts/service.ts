// The accounts feature's service functions, as other features and the pages use them. The
// SQL lives in service/*.ts (and in sessions.ts, tokens.ts and rate-limit.ts).
export type { User, UserEmail } from './presenters.ts';
export { HANDLE_PATTERN } from './policy.ts';
export {
  addEmail,
  confirmEmail,
  makePrimaryEmail,
  removeEmail,
  resendVerification,
  sendVerification,
} from './service/emails.ts';
export {
  LOGIN_LOCKED,
  changePassword,
  logIn,
  loginLinkValid,
  requestLoginLink,
  requestPasswordReset,
  resetPassword,
  resetTokenValid,
  useLoginLink,
} from './service/login.ts';
export { confirmMerge, mergeAccounts, previewMerge, requestMerge } from './service/merge.ts';
export { type NewUser, createOrPromoteAdmin, createUser, signUp } from './service/signup.ts';
export {
  type ProfileInput,
  countUsers,
  findUserByEmail,
  getUser,
  getUserByHandle,
  listEmails,
  markEmailVerified,
  updateProfile,
  verifiedEmailsOf,
} from './service/users.ts';
