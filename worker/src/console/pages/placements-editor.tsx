import { MERCH_LIMITS } from '../../../../schema/merchandising.js';
import { dictionary, type Lang } from '../i18n.js';
import { BOOST_FIELDS, type BoostRow, type PlacedIssue, type RulesForm } from './placements-form.js';
import { editPath, FieldErrors, issueText, listPath } from './placements-view.js';

/**
 * The rules form of one placement: plain fields a marketer fills in without JSON (lists comma-separated,
 * pins one a line, boosts as rows), posted whole; the handler validates it with the API's schema and
 * shows each issue under its field. Works without script; `novalidate`, so the server's messages (the
 * same as the API's) are the ones shown.
 */

const tr = dictionary({
  rulesTitle: ['规则', 'Rules'],
  nothingSaved: ['未保存：请修改下方标出的 {n} 处问题。', 'Nothing was saved: fix the {n} problem(s) marked below.'],
  filter: ['可以推荐哪些商品', 'Which items may show'],
  filterHelp: [
    '多个值用逗号分隔；留空表示不限。缺货商品无论如何都不会推荐。',
    'Separate values with commas; leave empty for no limit. Out-of-stock items are never shown, whatever the rules.',
  ],
  category: ['只推这些类目', 'Only these categories'],
  excludeCategory: ['不推这些类目', 'Never these categories'],
  tags: ['至少带其中一个标签', 'At least one of these tags'],
  excludeTags: ['不带这些标签', 'None of these tags'],
  minPrice: ['最低价格', 'Lowest price'],
  maxPrice: ['最高价格', 'Highest price'],
  pins: ['固定位置的商品', 'Pinned items'],
  pinsHelp: [
    '每行一个：商品 ID、空格、位置（1 = 第一个），最多 {max} 个。商品有货且符合上面的条件时才会出现，标为“置顶”。',
    'One a line: the item id, a space, the position (1 = first); at most {max}. An item shows when it is in stock and passes the filter above, labelled pinned.',
  ],
  boosts: ['提升或压低', 'Raise or bury'],
  boostsHelp: [
    '符合一行中所有已填条件的商品按权重上移或下移：1 约等于好推荐与一般推荐之间的一档；负数表示压低，-5 几乎压到最后。权重不能为 0。清空一行即删除；保存后会多出空行。',
    'Items matching every condition filled in a row move up (weight above 0) or down (a negative weight buries them): 1 is about one typical step between a good and an average pick, −5 buries below nearly everything. Not 0. Clear a row to remove it; saving adds empty rows.',
  ],
  boostN: ['第 {n} 条', 'Row {n}'],
  whenCategory: ['类目（任一）', 'Category (any of)'],
  whenTags: ['标签（任一）', 'Tags (any of)'],
  whenMinPrice: ['价格不低于', 'Price from'],
  whenMaxPrice: ['价格不高于', 'Price up to'],
  weight: ['权重（-5 至 5）', 'Weight (−5 to 5)'],
  variety: ['多样性与重复', 'Variety and repeats'],
  excludePurchased: [
    '不推荐顾客已购买的商品（消耗品需要复购时取消勾选）',
    'Never show what the shopper bought (untick for re-buys such as consumables)',
  ],
  maxPerCategory: ['同一类目最多几个', 'At most this many of one category'],
  maxPerCategoryHelp: ['1–100，含固定位置的商品；留空不限。', '1–100, pinned items count; empty for no limit.'],
  rotation: ['轮换：多次曝光却未点击的商品暂时降权', 'Rotate: an item shown again and again without a click steps back'],
  afterImpressions: ['曝光几次后降权', 'After this many impressions'],
  afterImpressionsHelp: ['1–50，默认 3。', '1–50, default 3.'],
  hours: ['统计和降权的时长（小时）', 'Within and for (hours)'],
  hoursHelp: ['1–720，默认 24。', '1–720, default 24.'],
  explore: ['新品冷启动', 'Cold start'],
  exploreHelp: [
    '还没有互动数据的有货新品，在这个比例的列表中获得一个位置，标为“新品”。0 关闭；留空为默认值：20% 的列表，第 3 位。',
    'A product with no interactions yet (in stock) gets one place in this share of lists, labelled new. 0 turns it off; empty keeps the default: 20 % of lists, at place 3.',
  ],
  exploreRate: ['出现新品位的列表比例（%）', 'Share of lists with a new-product place (%)'],
  explorePosition: ['新品位的位置', 'At place'],
  save: ['保存规则', 'Save rules'],
  back: ['返回推荐位列表', 'Back to placements'],
});

type Errors = Map<string, string[]>;

/** Issues grouped by field, as text. */
function errorsByField(lang: Lang, issues: PlacedIssue[]): Errors {
  const out: Errors = new Map();
  for (const issue of issues) out.set(issue.key, [...(out.get(issue.key) ?? []), issueText(lang, issue)]);
  return out;
}

function describedBy(id: string, help: boolean, errors: Errors, key: string) {
  return [help ? `${id}-help` : '', errors.has(key) ? `${id}-error` : ''].filter(Boolean).join(' ') || undefined;
}

/** A labelled one-line input named `name` (id `pr-{name}`), its help and its messages. */
function Input(props: {
  name: string;
  label: string;
  help?: string;
  value: string;
  errors: Errors;
  inputmode?: 'decimal' | 'numeric';
  placeholder?: string;
  type?: 'text' | 'number';
  list?: string;
}) {
  const id = `pr-${props.name}`;
  const bad = props.errors.has(props.name);
  return (
    <div>
      <label for={id}>{props.label}</label>
      {props.help ? (
        <p class="help" id={`${id}-help`}>
          {props.help}
        </p>
      ) : null}
      <input
        id={id}
        name={props.name}
        type={props.type ?? 'text'}
        value={props.value}
        inputmode={props.inputmode}
        placeholder={props.placeholder}
        list={props.list}
        step={props.type === 'number' ? 'any' : undefined}
        autocomplete="off"
        maxlength={props.type === 'number' ? undefined : 4000}
        aria-invalid={bad ? 'true' : undefined}
        aria-describedby={describedBy(id, Boolean(props.help), props.errors, props.name)}
      />
      <FieldErrors id={id} messages={props.errors.get(props.name)} />
    </div>
  );
}

function Check(props: { name: string; label: string; checked: boolean }) {
  return (
    <div class="checks">
      <label>
        <input type="checkbox" id={`pr-${props.name}`} name={props.name} value="1" checked={props.checked} /> {props.label}
      </label>
    </div>
  );
}

const blankRow = (): BoostRow => ({ category: '', tags: '', minPrice: '', maxPrice: '', weight: '' });

/** The rows to show: the form's, then empty ones up to two spare (at most MERCH_LIMITS.boosts rows in all unless more were posted). */
function boostRows(rows: BoostRow[]): BoostRow[] {
  const out = [...rows];
  const spare = () => out.length - (out.findLastIndex((r) => BOOST_FIELDS.some((f) => r[f] !== '')) + 1);
  while (spare() < 2 && out.length < MERCH_LIMITS.boosts) out.push(blankRow());
  return out;
}

function BoostFields(props: { lang: Lang; rows: BoostRow[]; errors: Errors }) {
  const { lang, errors } = props;
  return (
    <fieldset class="group" aria-describedby="pr-boosts-help">
      <legend>{tr(lang, 'boosts')}</legend>
      <p class="help" id="pr-boosts-help">
        {tr(lang, 'boostsHelp')}
      </p>
      <FieldErrors id="pr-boosts" messages={errors.get('boosts')} />
      <datalist id="boost-weights">
        {['-5', '-2', '-1', '-0.5', '0.5', '1', '2', '5'].map((w) => (
          <option value={w}></option>
        ))}
      </datalist>
      {boostRows(props.rows).map((row, i) => (
        <fieldset class="rule" id={`pr-b${i}`}>
          <legend>{tr(lang, 'boostN', { n: i + 1 })}</legend>
          <FieldErrors id={`pr-b${i}`} messages={errors.get(`b${i}`)} />
          <div class="row">
            <Input name={`b${i}_category`} label={tr(lang, 'whenCategory')} value={row.category} errors={errors} />
            <Input name={`b${i}_tags`} label={tr(lang, 'whenTags')} value={row.tags} errors={errors} />
            <Input name={`b${i}_minPrice`} label={tr(lang, 'whenMinPrice')} value={row.minPrice} errors={errors} inputmode="decimal" />
            <Input name={`b${i}_maxPrice`} label={tr(lang, 'whenMaxPrice')} value={row.maxPrice} errors={errors} inputmode="decimal" />
            <Input name={`b${i}_weight`} label={tr(lang, 'weight')} value={row.weight} errors={errors} type="number" list="boost-weights" />
          </div>
        </fieldset>
      ))}
    </fieldset>
  );
}

/** The whole form; `base` is the version it was opened on (a save over a newer version is refused, 409). */
export function RulesEditor(props: {
  lang: Lang;
  site: string;
  placement: string;
  csrf: string;
  form: RulesForm;
  base: number;
  issues: PlacedIssue[];
}) {
  const { lang, form } = props;
  const errors = errorsByField(lang, props.issues);
  const general = errors.get('form');
  const pinsId = 'pr-pins';
  return (
    <section aria-labelledby="rules-h">
      <h2 id="rules-h">{tr(lang, 'rulesTitle')}</h2>
      <form method="post" action={editPath(props.site, props.placement)} class="card" novalidate>
        <input type="hidden" name="_csrf" value={props.csrf} />
        <input type="hidden" name="base" value={String(props.base)} />
        {props.issues.length ? (
          <div class="notice error" role="alert" id="pr-form-error">
            <p>{tr(lang, 'nothingSaved', { n: props.issues.length })}</p>
            {general ? (
              <ul>
                {general.map((m) => (
                  <li>{m}</li>
                ))}
              </ul>
            ) : null}
          </div>
        ) : null}
        <fieldset class="group" aria-describedby="pr-filter-help">
          <legend>{tr(lang, 'filter')}</legend>
          <p class="help" id="pr-filter-help">
            {tr(lang, 'filterHelp')}
          </p>
          <div class="row">
            {(['category', 'excludeCategory', 'tags', 'excludeTags'] as const).map((f) => (
              <Input name={f} label={tr(lang, f)} value={form[f]} errors={errors} />
            ))}
          </div>
          <div class="row">
            <Input name="minPrice" label={tr(lang, 'minPrice')} value={form.minPrice} errors={errors} inputmode="decimal" />
            <Input name="maxPrice" label={tr(lang, 'maxPrice')} value={form.maxPrice} errors={errors} inputmode="decimal" />
          </div>
        </fieldset>
        <fieldset class="group">
          <legend>{tr(lang, 'pins')}</legend>
          <label for={pinsId} class="sr-only">
            {tr(lang, 'pins')}
          </label>
          <p class="help" id={`${pinsId}-help`}>
            {tr(lang, 'pinsHelp', { max: MERCH_LIMITS.pins })}
          </p>
          <textarea
            id={pinsId}
            name="pins"
            rows={4}
            maxlength={8000}
            placeholder={'p0042 1\np0107 2'}
            aria-invalid={errors.has('pins') ? 'true' : undefined}
            aria-describedby={describedBy(pinsId, true, errors, 'pins')}
          >
            {/* A parser drops one newline right after <textarea>: this one, so a blank first line survives. */}
            {`\n${form.pins}`}
          </textarea>
          <FieldErrors id={pinsId} messages={errors.get('pins')} />
        </fieldset>
        <BoostFields lang={lang} rows={form.boosts} errors={errors} />
        <fieldset class="group">
          <legend>{tr(lang, 'variety')}</legend>
          <Check name="excludePurchased" label={tr(lang, 'excludePurchased')} checked={form.excludePurchased} />
          <div class="row">
            <Input
              name="maxPerCategory"
              label={tr(lang, 'maxPerCategory')}
              help={tr(lang, 'maxPerCategoryHelp')}
              value={form.maxPerCategory}
              errors={errors}
              inputmode="numeric"
            />
          </div>
          <Check name="rotation" label={tr(lang, 'rotation')} checked={form.rotation} />
          <div class="row">
            <Input
              name="afterImpressions"
              label={tr(lang, 'afterImpressions')}
              help={tr(lang, 'afterImpressionsHelp')}
              value={form.afterImpressions}
              errors={errors}
              inputmode="numeric"
              placeholder="3"
            />
            <Input
              name="hours"
              label={tr(lang, 'hours')}
              help={tr(lang, 'hoursHelp')}
              value={form.hours}
              errors={errors}
              inputmode="numeric"
              placeholder="24"
            />
          </div>
        </fieldset>
        <fieldset class="group" aria-describedby="pr-explore-help">
          <legend>{tr(lang, 'explore')}</legend>
          <p class="help" id="pr-explore-help">
            {tr(lang, 'exploreHelp')}
          </p>
          <div class="row">
            <Input
              name="exploreRate"
              label={tr(lang, 'exploreRate')}
              value={form.exploreRate}
              errors={errors}
              inputmode="decimal"
              placeholder="20"
            />
            <Input
              name="explorePosition"
              label={tr(lang, 'explorePosition')}
              value={form.explorePosition}
              errors={errors}
              inputmode="numeric"
              placeholder="3"
            />
          </div>
        </fieldset>
        <div class="actions">
          <button type="submit">{tr(lang, 'save')}</button>
          <a class="button secondary" href={listPath(props.site)}>
            {tr(lang, 'back')}
          </a>
        </div>
      </form>
    </section>
  );
}
