import type { PiiKeyring } from '#libs/common';
import type { PetitionerData } from '#libs/contracts';
import type { IntakePetitioner } from './intake.entities.js';

/** A petitioner's identity number, phone and address sealed (null stays null), the name as it is. */
export function sealPetitioner(pii: PiiKeyring, p: PetitionerData): PetitionerData & { idNumber: string | null; phone: string | null; address: string | null } {
  return { name: p.name, idNumber: pii.sealOptional('id-number', p.idNumber), phone: pii.sealOptional('phone', p.phone), address: pii.sealOptional('address', p.address) };
}

/** The blind indexes of a person, from the clear values (under the current key). */
export function personIndexes(pii: PiiKeyring, p: { name: string; idNumber?: string | null; phone?: string | null }): Pick<IntakePetitioner, 'idNumberHmac' | 'namePhoneHmac'> {
  return {
    idNumberHmac: p.idNumber ? pii.index('id-number', p.idNumber) : null,
    namePhoneHmac: p.phone ? pii.index('name-phone', p.name, p.phone) : null,
  };
}

/** The row intake keeps: sealed values and the indexes repeat detection and the person search match. */
export function petitionerRow(pii: PiiKeyring, id: string, caseId: string, clear: PetitionerData, sealed: PetitionerData): IntakePetitioner {
  return { id, caseId, name: clear.name, idNumber: sealed.idNumber ?? null, phone: sealed.phone ?? null, address: sealed.address ?? null, ...personIndexes(pii, clear) };
}

/**
 * How a person is found: by identity number if there is one, else by name and phone; the
 * column and the index values to match (under every key of the ring, so rows a rotation has
 * not reached yet are found too). null: nothing to find the person by.
 */
export function personMatch(pii: PiiKeyring, p: { name?: string | null; idNumber?: string | null; phone?: string | null }): { column: 'idNumberHmac' | 'namePhoneHmac'; values: string[] } | null {
  if (p.idNumber) return { column: 'idNumberHmac', values: pii.indexCandidates('id-number', p.idNumber) };
  if (p.name && p.phone) return { column: 'namePhoneHmac', values: pii.indexCandidates('name-phone', p.name, p.phone) };
  return null;
}
