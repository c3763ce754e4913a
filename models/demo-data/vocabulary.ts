/**
 * Word lists for the synthetic demo store: categories with Chinese and English product words.
 * Each category: [key, zh name, en name, typical price range in CNY, products as [zh, en] pairs].
 */
export interface CategoryDef {
  key: string;
  zh: string;
  en: string;
  price: [number, number];
  nouns: [string, string][];
}

export const CATEGORIES: CategoryDef[] = [
  {
    key: 'tea',
    zh: '茶叶',
    en: 'Tea',
    price: [39, 699],
    nouns: [
      ['普洱熟茶', 'Ripe Pu-erh'],
      ['西湖龙井', 'Longjing Green Tea'],
      ['正山小种', 'Lapsang Souchong'],
      ['白毫银针', 'Silver Needle White Tea'],
      ['铁观音', 'Tieguanyin Oolong'],
      ['茉莉花茶', 'Jasmine Tea'],
      ['大红袍', 'Da Hong Pao'],
      ['滇红', 'Dian Hong Black Tea'],
    ],
  },
  {
    key: 'coffee',
    zh: '咖啡',
    en: 'Coffee',
    price: [29, 399],
    nouns: [
      ['云南小粒咖啡豆', 'Yunnan Coffee Beans'],
      ['冷萃咖啡液', 'Cold Brew Concentrate'],
      ['挂耳咖啡', 'Drip Bag Coffee'],
      ['冻干咖啡粉', 'Freeze-dried Coffee'],
      ['手冲壶', 'Pour-over Kettle'],
      ['磨豆机', 'Coffee Grinder'],
    ],
  },
  {
    key: 'snacks',
    zh: '零食',
    en: 'Snacks',
    price: [9, 129],
    nouns: [
      ['坚果礼盒', 'Mixed Nuts Gift Box'],
      ['牛肉干', 'Beef Jerky'],
      ['辣条', 'Spicy Gluten Strips'],
      ['芒果干', 'Dried Mango'],
      ['海苔脆', 'Crispy Seaweed'],
      ['蛋黄酥', 'Egg Yolk Pastry'],
      ['螺蛳粉', 'Luosifen Noodles'],
    ],
  },
  {
    key: 'beauty',
    zh: '彩妆',
    en: 'Makeup',
    price: [49, 499],
    nouns: [
      ['口红', 'Lipstick'],
      ['粉底液', 'Liquid Foundation'],
      ['眼影盘', 'Eyeshadow Palette'],
      ['睫毛膏', 'Mascara'],
      ['腮红', 'Blush'],
      ['定妆喷雾', 'Setting Spray'],
    ],
  },
  {
    key: 'skincare',
    zh: '护肤',
    en: 'Skincare',
    price: [59, 899],
    nouns: [
      ['精华液', 'Serum'],
      ['面霜', 'Face Cream'],
      ['防晒霜', 'Sunscreen'],
      ['洁面乳', 'Facial Cleanser'],
      ['面膜', 'Sheet Mask'],
      ['爽肤水', 'Toner'],
    ],
  },
  {
    key: 'baby',
    zh: '母婴',
    en: 'Baby',
    price: [19, 1299],
    nouns: [
      ['纸尿裤', 'Diapers'],
      ['婴儿奶粉', 'Infant Formula'],
      ['安抚奶嘴', 'Pacifier'],
      ['婴儿推车', 'Stroller'],
      ['儿童绘本', 'Picture Book'],
      ['湿巾', 'Baby Wipes'],
    ],
  },
  {
    key: 'digital',
    zh: '数码',
    en: 'Electronics',
    price: [49, 4999],
    nouns: [
      ['蓝牙耳机', 'Bluetooth Earbuds'],
      ['充电宝', 'Power Bank'],
      ['机械键盘', 'Mechanical Keyboard'],
      ['智能手表', 'Smartwatch'],
      ['游戏手柄', 'Game Controller'],
      ['数据线', 'USB-C Cable'],
      ['平板支架', 'Tablet Stand'],
    ],
  },
  {
    key: 'sports',
    zh: '运动',
    en: 'Sports',
    price: [29, 1599],
    nouns: [
      ['瑜伽垫', 'Yoga Mat'],
      ['跑步鞋', 'Running Shoes'],
      ['哑铃', 'Dumbbells'],
      ['运动水壶', 'Sports Bottle'],
      ['跳绳', 'Jump Rope'],
      ['筋膜枪', 'Massage Gun'],
      ['蛋白粉', 'Whey Protein'],
    ],
  },
  {
    key: 'home',
    zh: '家居',
    en: 'Home',
    price: [19, 2999],
    nouns: [
      ['香薰蜡烛', 'Scented Candle'],
      ['四件套', 'Bedding Set'],
      ['收纳箱', 'Storage Box'],
      ['落地灯', 'Floor Lamp'],
      ['抱枕', 'Throw Pillow'],
      ['地毯', 'Rug'],
    ],
  },
  {
    key: 'kitchen',
    zh: '厨房',
    en: 'Kitchen',
    price: [19, 1999],
    nouns: [
      ['空气炸锅', 'Air Fryer'],
      ['铸铁锅', 'Cast Iron Pot'],
      ['刀具套装', 'Knife Set'],
      ['电饭煲', 'Rice Cooker'],
      ['调味料套装', 'Spice Set'],
      ['保温饭盒', 'Insulated Lunch Box'],
    ],
  },
  {
    key: 'pets',
    zh: '宠物',
    en: 'Pets',
    price: [15, 699],
    nouns: [
      ['猫粮', 'Cat Food'],
      ['狗粮', 'Dog Food'],
      ['猫砂', 'Cat Litter'],
      ['逗猫棒', 'Cat Teaser Wand'],
      ['宠物窝', 'Pet Bed'],
      ['冻干零食', 'Freeze-dried Treats'],
    ],
  },
  {
    key: 'books',
    zh: '图书',
    en: 'Books',
    price: [19, 199],
    nouns: [
      ['小说', 'Novel'],
      ['历史读物', 'History Book'],
      ['编程指南', 'Programming Guide'],
      ['菜谱', 'Cookbook'],
      ['漫画', 'Comic'],
      ['诗集', 'Poetry Collection'],
    ],
  },
  {
    key: 'apparel',
    zh: '服饰',
    en: 'Apparel',
    price: [39, 1299],
    nouns: [
      ['卫衣', 'Hoodie'],
      ['羽绒服', 'Down Jacket'],
      ['连衣裙', 'Dress'],
      ['牛仔裤', 'Jeans'],
      ['T恤', 'T-shirt'],
      ['围巾', 'Scarf'],
    ],
  },
  {
    key: 'outdoor',
    zh: '户外',
    en: 'Outdoor',
    price: [29, 2599],
    nouns: [
      ['帐篷', 'Tent'],
      ['登山杖', 'Trekking Poles'],
      ['露营灯', 'Camping Lantern'],
      ['睡袋', 'Sleeping Bag'],
      ['冲锋衣', 'Shell Jacket'],
      ['折叠椅', 'Folding Chair'],
    ],
  },
];

export const ADJECTIVES: [string, string][] = [
  ['经典', 'Classic'],
  ['轻奢', 'Premium'],
  ['限定', 'Limited'],
  ['有机', 'Organic'],
  ['便携', 'Portable'],
  ['国潮', 'Guochao'],
  ['加厚', 'Thick'],
  ['迷你', 'Mini'],
  ['专业', 'Pro'],
  ['家庭装', 'Family Pack'],
  ['新款', 'New'],
  ['手作', 'Handmade'],
  ['复古', 'Retro'],
  ['简约', 'Minimal'],
  ['高端', 'Deluxe'],
];

export const BRANDS: [string, string][] = [
  ['山岚', 'Shanlan'],
  ['青禾', 'Qinghe'],
  ['拾光', 'Shiguang'],
  ['云栖', 'Yunqi'],
  ['木子', 'Muzi'],
  ['北辰', 'Beichen'],
  ['小鹿', 'Xiaolu'],
  ['南风', 'Nanfeng'],
  ['一隅', 'Yiyu'],
  ['半夏', 'Banxia'],
  ['知味', 'Zhiwei'],
  ['远山', 'Yuanshan'],
];

/**
 * Latent taste groups: each prefers a few categories (weights). Shoppers belong to one or two,
 * so collaborative filtering has real structure to find and personal picks differ from popular ones.
 */
export const TASTE_GROUPS: { name: string; categories: Record<string, number> }[] = [
  { name: 'tea & quiet evenings', categories: { tea: 5, books: 2, home: 2 } },
  { name: 'coffee & desk setup', categories: { coffee: 5, digital: 3, books: 1 } },
  { name: 'new parents', categories: { baby: 6, kitchen: 2, home: 1 } },
  { name: 'beauty', categories: { beauty: 5, skincare: 5, apparel: 1 } },
  { name: 'fitness', categories: { sports: 6, snacks: 1, apparel: 2 } },
  { name: 'gamers', categories: { digital: 5, snacks: 3 } },
  { name: 'home cooks', categories: { kitchen: 5, snacks: 2, tea: 1 } },
  { name: 'pet owners', categories: { pets: 6, home: 2 } },
  { name: 'outdoors', categories: { outdoor: 6, sports: 2, apparel: 2 } },
];
