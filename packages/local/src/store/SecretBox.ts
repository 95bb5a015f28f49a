/**
 * Encryption at rest for `candidateExternalConfig`: AES-256-GCM with a
 * random key kept in `<dataDir>/secret.key` (0600), created on first use.
 * Sealed text is `v1.<iv>.<tag>.<ciphertext>` (base64url). Someone with the
 * data dir has the key; what this buys is that the database file, its
 * backups and WAL copies alone do not reveal external agents' credentials.
 */
import { createCipheriv, createDecipheriv, randomBytes } from "node:crypto"
import * as fs from "node:fs"
import * as path from "node:path"

export interface SecretBox {
  readonly seal: (plaintext: string) => string
  readonly open: (sealed: string) => string
}

const KEY_FILE = "secret.key"

const loadKey = (dataDir: string): Buffer => {
  const file = path.join(dataDir, KEY_FILE)
  try {
    const key = fs.readFileSync(file)
    if (key.length === 32) return key
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error
  }
  const key = randomBytes(32)
  try {
    fs.writeFileSync(file, key, { mode: 0o600, flag: "wx" })
    return key
  } catch (error) {
    // Another process created it first: use theirs.
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return fs.readFileSync(file)
    throw error
  }
}

const keyFromBase64 = (text: string): Buffer => {
  const key = Buffer.from(text, "base64")
  if (key.length !== 32) throw new Error("the secret key must be base64 of exactly 32 bytes")
  return key
}

/** `keyBase64` (FRUXKIT_SECRET_KEY) wins over the key file: processes sharing one database must share the key. */
export const open = (dataDir: string, keyBase64?: string): SecretBox => {
  const key = keyBase64 === undefined ? loadKey(dataDir) : keyFromBase64(keyBase64)
  return {
    seal(plaintext) {
      const iv = randomBytes(12)
      const cipher = createCipheriv("aes-256-gcm", key, iv)
      const ciphertext = Buffer.concat([cipher.update(plaintext, "utf8"), cipher.final()])
      return ["v1", iv, cipher.getAuthTag(), ciphertext].map((p) => (typeof p === "string" ? p : p.toString("base64url"))).join(".")
    },
    open(sealed) {
      const [version, iv, tag, ciphertext] = sealed.split(".")
      if (version !== "v1" || !iv || !tag || ciphertext === undefined) throw new Error("not a sealed secret")
      const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"))
      decipher.setAuthTag(Buffer.from(tag, "base64url"))
      return Buffer.concat([decipher.update(Buffer.from(ciphertext, "base64url")), decipher.final()]).toString("utf8")
    }
  }
}
