// lb3-memory.js writes lb3-memory.json: the file LoopBack 3's memory
// connector (loopback-datasource-juggler 3.36.1, setting "file") keeps,
// for the models of lb3-models/.
const path = require('path');
const fs = require('fs');
// Run it from a folder whose node_modules has loopback-datasource-juggler
// (shared/oracle after npm ci):  node PATH/TO/lb3-memory.js OUT.json
const {DataSource} = require(path.resolve('node_modules/loopback-datasource-juggler'));
const file = process.argv[2];
try { fs.unlinkSync(file); } catch (e) {}
const ds = new DataSource('memory', {connector: 'memory', file});
const Customer = ds.define('Customer', {
  name: {type: String, required: true},
  email: {type: String},
  vip: {type: Boolean, default: false},
  joined: {type: Date},
  tags: {type: [String]},
  address: {type: {street: String, zip: Number}},
}, {forceId: false});
const Order = ds.define('Order', {total: Number, note: String}, {forceId: false});
const Tag = ds.define('Tag', {code: {type: String, id: true}, label: String}, {forceId: false});
Order.belongsTo(Customer, {as: 'customer', foreignKey: 'customerId'});
Customer.hasMany(Order, {as: 'orders', foreignKey: 'customerId'});
(async () => {
  await Customer.create({name: 'Ada', email: 'ada@example.com', vip: true, joined: new Date('2020-01-02T03:04:05.678Z'), tags: ['a', 'b'], address: {street: 'Main', zip: 75}});
  await Customer.create({name: 'Bob', joined: new Date('2021-06-07T00:00:00.000Z')});
  const c3 = await Customer.create({name: 'Cy'});
  await Customer.create({name: 'Dee', extra: 'dynamic'});
  const c5 = await Customer.create({name: 'Eve'});
  await Customer.destroyById(c5.id);
  await Customer.destroyById(c3.id);
  await Order.create({total: 10.5, customerId: 1});
  await Order.create({total: 20, customerId: 1, note: 'gift "wrapped" <b>'});
  await Order.create({id: 7, total: 3, customerId: 2});
  await Order.destroyById(7);
  await Order.create({total: 4, customerId: 4});
  await Tag.create({code: 'x1', label: 'One'});
  await Tag.create({code: 'y2', label: 'Two'});
  setTimeout(() => { console.log(fs.readFileSync(file, 'utf8')); }, 200);
})().catch(e => { console.error(e); process.exit(1); });
