// SPDX-License-Identifier: MIT
// fakemodel.mjs: a scripted model on 127.0.0.1 for tests/agents.sh.
//
// Speaks just enough of the Anthropic messages API, OpenAI chat
// completions and responses, and the Gemini API (streaming or not) for an
// agent's CLI to run one turn:
// while no tool result came back, a request that offers a shell tool is
// answered with one call of it running $FAKEMODEL_COMMAND; anything else
// gets the text "done".
// $FAKEMODEL_DIR/command and $FAKEMODEL_DIR/timeout, when present, replace
// the command and add a timeout (seconds) to the call.
// Usage: node fakemodel.mjs PORTFILE LOGFILE
import http from 'node:http';
import fs from 'node:fs';

const [portFile, logFile] = process.argv.slice(2);
const DIR = process.env.FAKEMODEL_DIR;
function fromDir(name) {
  const f = DIR && `${DIR}/${name}`;
  return f && fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim() : undefined;
}
const SHELL_TOOLS = ['bash', 'shell', 'shell_command', 'run_shell_command', 'exec_command', 'execute_bash'];
let n = 0;

function log(s) { if (logFile) fs.appendFileSync(logFile, s + '\n'); }

// The shell tool the request offers, from whichever API's shape.
function shellTool(body) {
  const names = [];
  for (const t of body.tools || []) {
    if (t.name) names.push(t.name);
    if (t.function && t.function.name) names.push(t.function.name);
    for (const f of t.functionDeclarations || []) names.push(f.name);
  }
  return names.find((x) => SHELL_TOOLS.includes(x.toLowerCase()));
}

function args(tool) {
  const command = fromDir('command') || process.env.FAKEMODEL_COMMAND;
  const timeout = fromDir('timeout');
  if (tool === 'exec_command') return { cmd: command };
  if (tool === 'shell') return { command: ['bash', '-lc', command] };
  const a = { command, description: 'run the test command' };
  if (timeout) a.timeout = Number(timeout);
  return a;
}

function sse(res, events) {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  for (const [ev, data] of events)
    res.write((ev ? `event: ${ev}\n` : '') + `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`);
  res.end();
}

function anthropic(res, body, tool) {
  const id = `msg_${++n}`;
  const usage = { input_tokens: 10, output_tokens: 5 };
  const content = tool ? [{ type: 'tool_use', id: `toolu_${n}`, name: tool, input: args(tool) }]
    : [{ type: 'text', text: 'done' }];
  const stop = tool ? 'tool_use' : 'end_turn';
  const msg = { id, type: 'message', role: 'assistant', model: body.model, content, stop_reason: stop,
    stop_sequence: null, usage };
  if (!body.stream) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify(msg)); }
  const ev = [['message_start', { type: 'message_start', message: { ...msg, content: [], stop_reason: null } }]];
  content.forEach((c, i) => {
    const start = c.type === 'text' ? { type: 'text', text: '' } : { ...c, input: {} };
    ev.push(['content_block_start', { type: 'content_block_start', index: i, content_block: start }]);
    const delta = c.type === 'text' ? { type: 'text_delta', text: c.text }
      : { type: 'input_json_delta', partial_json: JSON.stringify(c.input) };
    ev.push(['content_block_delta', { type: 'content_block_delta', index: i, delta }]);
    ev.push(['content_block_stop', { type: 'content_block_stop', index: i }]);
  });
  ev.push(['message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage }]);
  ev.push(['message_stop', { type: 'message_stop' }]);
  sse(res, ev);
}

function chat(res, body, tool) {
  const id = `chatcmpl-${++n}`, created = Math.floor(Date.now() / 1000);
  const call = tool && { id: `call_${n}`, type: 'function', function: { name: tool, arguments: JSON.stringify(args(tool)) } };
  const finish = tool ? 'tool_calls' : 'stop';
  const usage = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
  if (!body.stream) {
    res.writeHead(200, { 'content-type': 'application/json' });
    return res.end(JSON.stringify({ id, object: 'chat.completion', created, model: body.model, usage,
      choices: [{ index: 0, finish_reason: finish,
        message: tool ? { role: 'assistant', content: null, tool_calls: [call] } : { role: 'assistant', content: 'done' } }] }));
  }
  const chunk = (delta, fr) => [null, { id, object: 'chat.completion.chunk', created, model: body.model,
    choices: [{ index: 0, delta, finish_reason: fr }] }];
  const ev = [chunk({ role: 'assistant', content: '' }, null)];
  ev.push(tool ? chunk({ tool_calls: [{ index: 0, ...call }] }, null) : chunk({ content: 'done' }, null));
  ev.push(chunk({}, finish));
  ev.push([null, { id, object: 'chat.completion.chunk', created, model: body.model, choices: [], usage }]);
  ev.push([null, '[DONE]']);
  sse(res, ev);
}

function responses(res, body, tool) {
  const id = `resp_${++n}`;
  const item = tool ? { type: 'function_call', id: `fc_${n}`, call_id: `call_${n}`, name: tool,
    arguments: JSON.stringify(args(tool)), status: 'completed' }
    : { type: 'message', id: `msg_${n}`, role: 'assistant', status: 'completed',
      content: [{ type: 'output_text', text: 'done', annotations: [] }] };
  const resp = { id, object: 'response', status: 'completed', model: body.model, output: [item],
    usage: { input_tokens: 10, output_tokens: 5, total_tokens: 15, input_tokens_details: { cached_tokens: 0 },
      output_tokens_details: { reasoning_tokens: 0 } } };
  if (!body.stream) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify(resp)); }
  sse(res, [
    ['response.created', { type: 'response.created', response: { ...resp, status: 'in_progress', output: [] } }],
    ['response.output_item.added', { type: 'response.output_item.added', output_index: 0, item }],
    ['response.output_item.done', { type: 'response.output_item.done', output_index: 0, item }],
    ['response.completed', { type: 'response.completed', response: resp }],
  ]);
}

function gemini(res, body, tool, stream) {
  const part = tool ? { functionCall: { name: tool, args: args(tool) } } : { text: 'done' };
  const out = { candidates: [{ content: { role: 'model', parts: [part] }, finishReason: 'STOP', index: 0 }],
    usageMetadata: { promptTokenCount: 10, candidatesTokenCount: 5, totalTokenCount: 15 } };
  if (!stream) { res.writeHead(200, { 'content-type': 'application/json' }); return res.end(JSON.stringify(out)); }
  sse(res, [[null, out]]);
}

const server = http.createServer((req, res) => {
  let data = '';
  req.on('data', (c) => { data += c; });
  req.on('end', () => {
    let body = {};
    try { body = JSON.parse(data || '{}'); } catch { /* not JSON */ }
    // One call per turn: done once any tool result came back (the
    // command's output, a refusal or a timeout), in any API's shape.
    const norm = JSON.stringify(body);
    const done = ['"type":"tool_result"', '"role":"tool"', '"type":"function_call_output"',
      '"functionResponse"'].some((k) => norm.includes(k));
    const offered = shellTool(body);
    const tool = !done && offered;
    log(`${req.method} ${req.url} tool=${offered || '-'} answered=${tool ? 'call' : 'text'}`);
    if (process.env.FAKEMODEL_DEBUG) log(data);
    const u = req.url;
    if (req.method === 'GET') {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end(JSON.stringify({ object: 'list', data: [{ id: 'fake', object: 'model' }], models: [] }));
    }
    if (u.includes('/messages/count_tokens')) {
      res.writeHead(200, { 'content-type': 'application/json' });
      return res.end('{"input_tokens":10}');
    }
    if (u.includes('/messages')) return anthropic(res, body, tool);
    if (u.includes('/chat/completions')) return chat(res, body, tool);
    if (u.includes('/responses')) return responses(res, body, tool);
    if (u.includes(':streamGenerateContent')) return gemini(res, body, tool, true);
    if (u.includes(':generateContent')) return gemini(res, body, tool, false);
    if (u.includes(':countTokens')) { res.writeHead(200); return res.end('{"totalTokens":10}'); }
    res.writeHead(404, { 'content-type': 'application/json' });
    res.end('{"error":{"message":"not here"}}');
  });
});
server.listen(0, '127.0.0.1', () => fs.writeFileSync(portFile, String(server.address().port)));
