import { describe, expect, it } from 'vitest';
import { raw } from '../src/index.ts';

describe('jsx runtime', () => {
  it('escapes text children and attribute values by default', () => {
    const name = '<script>alert("x")</script>';
    const html = (
      <p title={name} class="a">
        {name}
      </p>
    ).toString();
    expect(html).toBe(
      '<p title="&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" class="a">&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;</p>',
    );
  });

  it('emits raw markup only when marked, and nests elements without double escaping', () => {
    const html = (
      <div>
        {raw('<b>ok</b>')}
        <span>{'a & b'}</span>
        {[1, 2].map((n) => (
          <i>{n}</i>
        ))}
        {null}
        {false}
      </div>
    ).toString();
    expect(html).toBe('<div><b>ok</b><span>a &amp; b</span><i>1</i><i>2</i></div>');
  });

  it('renders void elements, boolean attributes and components', () => {
    const Hello = (p: { who: string }) => <em>{p.who}</em>;
    expect((<input required disabled={false} value="x" />).toString()).toBe('<input required value="x">');
    expect((<Hello who="<you>" />).toString()).toBe('<em>&lt;you&gt;</em>');
  });
});
