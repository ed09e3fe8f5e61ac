import { Inject, Injectable } from '@nestjs/common';
import { CLOCK, InvalidInputError, maskIdNumber, maskPhone, newId, type Clock } from '#libs/common';
import { UnitOfWork, type Caller } from '#libs/runtime';
import { IntakeCase, IntakePetitioner, PersonLookup } from './intake.entities.js';
import { INTAKE_SETTINGS, type IntakeSettings } from './intake.settings.js';
import { personMatch } from './petitioner-pii.js';

export interface PersonKey {
  idNumber?: string;
  name?: string;
  phone?: string;
}

/** A name as the record of lookups keeps it: the first character, then one * per further character. */
const maskName = (name: string) => [...name].map((ch, i) => (i === 0 ? ch : '*')).join('');

/**
 * The cases of a person, by identity number or by name and phone, newest first; each lookup is
 * recorded with who asked (personal data stays with intake: the gateway gets case ids only).
 */
@Injectable()
export class PersonLookupService {
  constructor(
    private readonly uow: UnitOfWork,
    @Inject(CLOCK) private readonly clock: Clock,
    @Inject(INTAKE_SETTINGS) private readonly settings: IntakeSettings,
  ) {}

  async casesOf(key: PersonKey, actor: Caller | null): Promise<{ caseIds: string[] }> {
    if (!actor) throw new InvalidInputError('请先登录');
    const byId = !!key.idNumber;
    if (!byId && !(key.name && key.phone)) throw InvalidInputError.field('idNumber', '请填写身份证号，或同时填写信访人姓名和联系电话');
    const { result } = await this.uow.run(async (m) => {
      const qb = m
        .getRepository(IntakeCase)
        .createQueryBuilder('c')
        .innerJoin(IntakePetitioner, 'p', 'p.caseId = c.id')
        .select('c.id', 'id')
        .addSelect('c.receivedAt', 'receivedAt')
        .distinct(true)
        .orderBy('c.receivedAt', 'DESC')
        .addOrderBy('c.id', 'ASC');
      // The keyed blind index of the normalised key (any case of X, any spacing of the phone), never the clear value.
      const match = personMatch(this.settings.pii, byId ? { idNumber: key.idNumber } : { name: key.name, phone: key.phone })!;
      qb.where(`p.${match.column} IN (:...person)`, { person: match.values });
      const caseIds = (await qb.getRawMany<{ id: string }>()).map((r) => r.id);
      await m.getRepository(PersonLookup).insert({
        id: newId(),
        askedBy: actor.username,
        askedAt: this.clock.now(),
        keyKind: byId ? 'id-number' : 'name-phone',
        maskedKey: byId ? maskIdNumber(key.idNumber!.trim())! : `${maskName(key.name!.trim())} / ${maskPhone(key.phone!.trim())}`,
        resultCount: caseIds.length,
      });
      return { result: { caseIds }, events: [] };
    });
    return result;
  }
}
