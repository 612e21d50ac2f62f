export {
  bundleMediaType,
  createSignBundle,
  parseBundle,
  type DsseEnvelope,
  type SigstoreBundle,
} from './bundle';
export {
  parseSigstoreSignatureFile,
  verifyDirectoryImage,
  type DirectoryVerification,
} from './containers-image';
export {
  cosignSignPredicateType,
  cosignSignStatement,
  inTotoPayloadType,
  parseStatement,
  preAuthEncoding,
  type InTotoStatement,
} from './dsse';
export {
  decryptWithPassword,
  encryptWithPassword,
  scryptKey,
  scryptParameterSets,
  type ScryptParams,
} from './encrypted';
export { KeyError, RekorError } from './errors';
export { goJsonString, goJsonValue } from './go-json';
export { goManifest, goSignatureConfig } from './go-manifest';
export { cosignIdentity } from './identity';
export {
  cosignPrivateKeyPemType,
  generateKeyPair,
  loadPrivateKey,
  loadPublicKeys,
  sigstorePrivateKeyPemType,
  type GeneratedKeyPair,
  type GenerateKeyPairOptions,
  type KeyAlgorithm,
  type PublicKey,
  type SigningKey,
} from './keys';
export {
  appendSignature,
  signatureAnnotation,
  signatureTag,
  type NewSignature,
  type SignatureImage,
} from './legacy';
export {
  cosignSignatureType,
  parseSimpleSigning,
  simpleSigningMediaType,
  simpleSigningPayload,
  type SimpleSigningInput,
  type SimpleSigningPayload,
} from './payload';
export { findVerifyingKey, signBytes, verifyBytes } from './signature';
export {
  verifyBundle,
  verifySimpleSigning,
  type Outcome,
  type SimpleSigningLayer,
  type VerifyCriteria,
} from './verify-signature';
export { RekorClient, type HashedRekordUpload, type RekorClientOptions } from './rekor';
export {
  hashedRekordEntry,
  leafHash,
  parseLogEntry,
  recordsProposal,
  rekorBundleAnnotation,
  rekorBundleJson,
  type HashedRekordProposal,
  type TlogEntry,
} from './rekor-entry';
export {
  signImage,
  type SignatureLocation,
  type SignedImage,
  type SignFormat,
  type SignOptions,
} from './sign-image';
export {
  parseSignatureRepository,
  signatureRepositoryFor,
  type SignatureRepository,
} from './signature-repository';
export {
  verifyImage,
  type Finding,
  type ImageVerification,
  type VerifyFormat,
  type VerifyOptions,
} from './verify-image';
export { verificationFailure, verificationMarkdown, verificationTable } from './verify-report';
