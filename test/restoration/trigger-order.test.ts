/** Where a re-created trigger goes, without a database. */
import { OrderedTrigger, creationOrder, placed, placement } from '../../lib/restoration/trigger-order';

const t = (name: string, order: number, timing: 'BEFORE' | 'AFTER' = 'BEFORE'): OrderedTrigger => ({ name, timing, event: 'INSERT', order });

describe('trigger order', () => {
  const planned = [t('t1', 1), t('t2', 2), t('t3', 3)];

  it('goes last when created in plan order onto an empty group', () => {
    let live: string[] = [];
    for (const trg of planned) {
      const where = placement(trg, planned, live);
      expect(where).toBe('last');
      live = placed(live, trg.name, where);
    }
    expect(live).toEqual(['t1', 't2', 't3']);
  });

  it('puts a trigger before the planned successors that were never dropped, then after its predecessor', () => {
    // t3 stayed on the server; t1 and t2 come back.
    let live = ['t3'];
    const w1 = placement(planned[0], planned, live);
    expect(w1).toEqual({ precedes: 't3' });
    live = placed(live, 't1', w1);
    const w2 = placement(planned[1], planned, live);
    expect(w2).toEqual({ follows: 't1' });
    live = placed(live, 't2', w2);
    expect(live).toEqual(['t1', 't2', 't3']);
  });

  it('follows its planned predecessor when a trigger outside the plan fires last', () => {
    expect(placement(planned[1], planned, ['t1', 'other'])).toEqual({ follows: 't1' });
    expect(placement(planned[1], planned, ['other', 't1'])).toBe('last');
  });

  it('creates by timing, event, then planned order', () => {
    expect(creationOrder([t('b', 2), t('z', 1, 'AFTER'), t('a', 1)]).map((x) => x.name)).toEqual(['z', 'a', 'b']);
  });
});
